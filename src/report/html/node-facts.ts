import type { LifecycleFinding, LifecycleUnknown } from '../../lifecycle/model.js';
import type { ControlResult, Evidence, ProposedChange } from '../../lifecycle/posture/model.js';
import { compareSeverity, type SeverityLevel, severityOrder } from '../../core/severity.js';
import type { ReportFinding, ReportInput } from './input.js';
import type { MapIndex } from './map-index.js';

/** What the report says about one map node: the controls, findings and unresolved values pointing at it. */
export interface NodeFacts {
  /** Controls whose evidence or proposed changes name the node, with the pieces that do. */
  controls: { result: ControlResult; evidence: Evidence[]; changes: ProposedChange[]; gap: boolean }[];
  findings: ReportFinding[];
  /** Map findings (SS-MAP) naming the node that no lifecycle ReportFinding already shows. */
  breaks: LifecycleFinding[];
  unknowns: LifecycleUnknown[];
  /** Gaps on the node: partial/gap controls pointing here plus lifecycle breaks. */
  gapCount: number;
  /** The most severe of those gaps (a gap control weighs as the server tracks it: HIGH when critical, else MEDIUM; a partial LOW). */
  worst: SeverityLevel | undefined;
  /** Whether the map marks the node: one of the few worst (see `markWorst`). */
  marked: boolean;
}

/** At most this many nodes are marked, so the worst stand out rather than nearly every node. */
export const maxMarked = 5;
/** At least this many (when as many have gaps): with few critical or high gaps, the next worst are marked too. */
const minMarked = 3;

export function nodeFactsOf(input: ReportInput, index: MapIndex): NodeFacts[] {
  const facts: NodeFacts[] = index.nodes.map(() => ({ controls: [], findings: [], breaks: [], unknowns: [], gapCount: 0, worst: undefined, marked: false }));
  const at = (id: string): NodeFacts | undefined => {
    const i = index.indexOf.get(id);
    return i === undefined ? undefined : facts[i];
  };

  for (const result of input.posture.controls) {
    const touched = new Set<string>();
    for (const e of result.evidence) for (const id of e.nodes) touched.add(id);
    for (const c of result.changes) for (const id of c.nodes) touched.add(id);
    const weak = result.status === 'gap' || result.status === 'partial';
    for (const id of [...touched].sort()) {
      const fact = at(id);
      if (!fact) continue;
      const evidence = result.evidence.filter((e) => e.nodes.includes(id));
      const changes = result.changes.filter((c) => c.nodes.includes(id));
      // a weak control marks the node only where its evidence shows the gap or a change is proposed
      const gap = weak && (changes.length > 0 || evidence.some((e) => !e.ok));
      fact.controls.push({ result, evidence, changes, gap });
      if (gap) addGap(fact, result.status === 'partial' ? 'LOW' : result.control.weight >= 2 ? 'HIGH' : 'MEDIUM');
    }
  }

  for (const finding of input.findings) {
    for (const id of new Set(finding.nodes)) {
      const fact = at(id);
      if (!fact) continue;
      fact.findings.push(finding);
      if (finding.category === 'lifecycle') addGap(fact, finding.severity);
    }
  }
  for (const fact of facts) fact.findings.sort(bySeverity);

  for (const finding of input.map.findings) {
    for (const id of new Set(finding.nodes)) {
      const fact = at(id);
      if (!fact || fact.findings.some((f) => f.category === 'lifecycle' && f.id === finding.ruleId)) continue;
      fact.breaks.push(finding);
      addGap(fact, finding.severity);
    }
  }
  for (const unknown of input.map.unknowns) at(unknown.node)?.unknowns.push(unknown);
  markWorst(facts);
  return facts;
}

function addGap(fact: NodeFacts, severity: SeverityLevel): void {
  fact.gapCount += 1;
  if (fact.worst === undefined || compareSeverity(severity, fact.worst) > 0) fact.worst = severity;
}

/**
 * Marks the few nodes with the worst gaps: every node with a critical or high gap, the most severe
 * and most gaps first, up to `maxMarked`; with fewer than `minMarked` of those, the next worst
 * (severity, then count) fill up to it. Every other gap stays in its node's panel.
 */
export function markWorst(facts: readonly NodeFacts[]): void {
  const rank = (fact: NodeFacts): number => (fact.worst === undefined ? -1 : severityOrder.indexOf(fact.worst));
  const ranked = facts
    .map((fact, i) => ({ fact, i }))
    .filter(({ fact }) => fact.gapCount > 0)
    .sort((a, b) => rank(b.fact) - rank(a.fact) || b.fact.gapCount - a.fact.gapCount || a.i - b.i);
  const severe = ranked.filter(({ fact }) => fact.worst === 'CRITICAL' || fact.worst === 'HIGH').length;
  for (const { fact } of ranked.slice(0, Math.min(maxMarked, Math.max(minMarked, severe)))) fact.marked = true;
}

/** Most severe first, then by id and place, so tables and panels read the same every time. */
export function bySeverity(a: ReportFinding, b: ReportFinding): number {
  return -compareSeverity(a.severity, b.severity) || cmp(a.id, b.id) || cmp(a.where, b.where) || cmp(a.title, b.title);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
