import type { AdvisoryLookup } from '../../../vuln/match/matcher.js';
import type { EstateEvidence } from '../../estate-model.js';
import type { LifecycleMap } from '../../model.js';
import type { ControlMeta, ControlStatus, Evidence, FileEdit, ProposedChange } from '../model.js';
import type { Policy } from '../policy.js';

/** What every control's evaluation reads. */
export interface ControlContext {
  evidence: EstateEvidence;
  map: LifecycleMap;
  policy: Policy;
  now: Date;
  advisories: AdvisoryLookup | undefined;
  /**
   * Digests of parent images no registry scan knows, asked of their registries (`shipshape fix
   * --resolve`), by the FROM's reference as resolved (`nginx:1.25`) or normalised
   * (`docker.io/library/nginx:1.25`): B01 pins a FROM with them when the scans give nothing.
   */
  resolvedDigests?: ReadonlyMap<string, string> | undefined;
  /**
   * The text of each Dockerfile of `evidence.build.dockerfiles`, by its `file`, where the files are
   * at hand (`fix`, `posture` on sources on disk). The Dockerfile controls (B04, B08) place their
   * edits from it and prove each on it; without it their changes are left to be made by hand.
   */
  dockerfileTexts?: ReadonlyMap<string, string> | undefined;
}

/** A control's verdict before the policy's accepted risks are applied. */
export interface ControlOutcome {
  status: Exclude<ControlStatus, 'accepted'>;
  summary: string;
  evidence: Evidence[];
  changes: ProposedChange[];
}

/** One control of the catalogue: what it is and how it is evaluated. */
export interface PostureControl {
  meta: ControlMeta;
  /** Signature controls: left out of the scores when the policy does not require signatures. */
  signatures?: boolean;
  evaluate(context: ControlContext): ControlOutcome;
}

/** One place's verdict: met there, half-met, a gap there, or not known (what it rests on could not be checked). */
export type Verdict = 'met' | 'partial' | 'gap' | 'unknown';

/** A verdict with the evidence for it. */
export interface Check {
  verdict: Verdict;
  evidence: Evidence;
}

export function evidenceOf(text: string, where: string | undefined, nodes: readonly string[], ok: boolean, findings: readonly string[] = []): Evidence {
  return { text, where, nodes: [...new Set(nodes)], findings: [...new Set(findings)], ok };
}

export function check(verdict: Verdict, text: string, where: string | undefined, nodes: readonly string[], findings: readonly string[] = []): Check {
  return { verdict, evidence: evidenceOf(text, where, nodes, verdict === 'met', findings) };
}

export function change(
  summary: string,
  fields: { file?: string | undefined; line?: number | undefined; snippet?: string | undefined; edits?: readonly FileEdit[]; nodes?: readonly string[] },
): ProposedChange {
  return { summary, file: fields.file, line: fields.line, snippet: fields.snippet, edits: [...(fields.edits ?? [])], nodes: [...new Set(fields.nodes ?? [])] };
}

/**
 * Every place met → met; none → gap; otherwise partial. No places → unknown. A place not known never
 * lets the control be met: known gaps still count, but "all met" with places unknown is unknown.
 */
function statusOf(checks: readonly Check[]): Exclude<ControlStatus, 'accepted'> {
  const known = checks.filter((c) => c.verdict !== 'unknown');
  if (known.length === 0) return 'unknown';
  if (known.every((c) => c.verdict === 'met')) return known.length === checks.length ? 'met' : 'unknown';
  if (known.every((c) => c.verdict === 'gap')) return 'gap';
  return 'partial';
}

/** The usual outcome: status from the checks, a summary counting them, gaps first in the evidence. */
export function outcomeOf(
  checks: readonly Check[],
  changes: readonly ProposedChange[],
  what: { subject: string; met: string; notMet: string },
  unknownSummary: string,
): ControlOutcome {
  const status = statusOf(checks);
  if (checks.length === 0) return unknown(unknownSummary);
  const met = checks.filter((c) => c.verdict === 'met').length;
  const notKnown = checks.filter((c) => c.verdict === 'unknown').length;
  const known = checks.length - notKnown;
  const summary =
    status === 'met'
      ? `all ${checks.length} ${what.subject} ${what.met}`
      : status === 'unknown'
        ? `${notKnown} of ${checks.length} ${what.subject} could not be assessed${met > 0 ? ` (the other ${met} ${what.met})` : ''}`
        : `${known - met} of ${checks.length} ${what.subject} ${what.notMet}${notKnown > 0 ? `; ${notKnown} could not be assessed` : ''}`;
  const rank: Record<Verdict, number> = { gap: 0, partial: 1, unknown: 2, met: 3 };
  const evidence = [...checks].sort((a, b) => rank[a.verdict] - rank[b.verdict]).map((c) => c.evidence);
  return { status, summary, evidence, changes: status === 'met' ? [] : [...changes] };
}

export function unknown(summary: string, evidence: Evidence[] = []): ControlOutcome {
  return { status: 'unknown', summary, evidence, changes: [] };
}

/** `file:line`, or the file alone. */
export function at(file: string, line: number | undefined): string {
  return line === undefined ? file : `${file}:${line}`;
}
