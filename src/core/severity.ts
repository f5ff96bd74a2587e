/** The five severity levels every finding uses (advisories, rules, controls), lowest last. */
export type SeverityLevel = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';

/** The levels from least to most severe. */
export const severityOrder: readonly SeverityLevel[] = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** Negative when `a` is less severe than `b`, 0 when equal, positive when more severe. */
export function compareSeverity(a: SeverityLevel, b: SeverityLevel): number {
  return severityOrder.indexOf(a) - severityOrder.indexOf(b);
}
