import type { RuleFinding, RuleMeta } from '../rules/rule.js';
import { compareSeverity } from '../core/severity.js';
import { plural } from '../core/text.js';
import { renderTable } from './table.js';

/** Findings of one rule-based scanner, with the rules that can produce them (for SARIF rule metadata). */
export interface RuleFindingSet {
  scanner: 'secret' | 'image-config' | 'dockerfile' | 'workload' | 'compose' | 'registry' | 'lifecycle' | 'host';
  rules: readonly RuleMeta[];
  findings: RuleFinding[];
}

const titles: Record<RuleFindingSet['scanner'], string> = {
  secret: 'Secrets',
  'image-config': 'Image configuration',
  dockerfile: 'Dockerfile',
  workload: 'Workload rules',
  compose: 'Compose',
  registry: 'Registry',
  lifecycle: 'Lifecycle',
  host: 'Host',
};

/** Where a finding is, for people: `Dockerfile:12`, `layer 3: /opt/x (line 2)`. */
function placeOf(finding: RuleFinding): string {
  const { location: l } = finding;
  if (l.file) return `${l.file}:${l.startLine ?? 1}`;
  const where = [l.layer ? `layer ${l.layer.index}` : undefined, l.path].filter(Boolean).join(': ');
  return `${where || 'image config'}${l.startLine ? ` (line ${l.startLine})` : ''}`;
}

/** One table per scanner, most severe first; severities coloured when `color`. */
export function renderRuleFindings(sets: readonly RuleFindingSet[], width: number, color = false): string {
  const lines: string[] = [];
  for (const set of sets) {
    lines.push('', `== ${titles[set.scanner]}: ${plural(set.findings.length, 'finding')} ==`);
    if (set.findings.length === 0) continue;
    const sorted = [...set.findings].sort((a, b) => -compareSeverity(a.severity, b.severity) || a.ruleId.localeCompare(b.ruleId));
    const rows = sorted.map((f) => [f.severity, f.ruleId, placeOf(f), f.message]);
    lines.push(renderTable(['SEVERITY', 'RULE', 'WHERE', 'FINDING'], rows, { width, kinds: ['id', 'id', 'path', 'text'], color }));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
