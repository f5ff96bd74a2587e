import type { LifecycleFinding, LifecycleUnknown } from '../../lifecycle/model.js';
import type { ControlResult, Evidence, ProposedChange } from '../../lifecycle/posture/model.js';
import { compareSeverity } from '../../core/severity.js';
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
  /** Gaps marked on the map: partial/gap controls pointing here plus lifecycle breaks. */
  gapCount: number;
}

export function nodeFactsOf(input: ReportInput, index: MapIndex): NodeFacts[] {
  const facts: NodeFacts[] = index.nodes.map(() => ({ controls: [], findings: [], breaks: [], unknowns: [], gapCount: 0 }));
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
      if (gap) fact.gapCount += 1;
    }
  }

  for (const finding of input.findings) {
    for (const id of new Set(finding.nodes)) {
      const fact = at(id);
      if (!fact) continue;
      fact.findings.push(finding);
      if (finding.category === 'lifecycle') fact.gapCount += 1;
    }
  }
  for (const fact of facts) fact.findings.sort(bySeverity);

  for (const finding of input.map.findings) {
    for (const id of new Set(finding.nodes)) {
      const fact = at(id);
      if (!fact || fact.findings.some((f) => f.category === 'lifecycle' && f.id === finding.ruleId)) continue;
      fact.breaks.push(finding);
      fact.gapCount += 1;
    }
  }
  for (const unknown of input.map.unknowns) at(unknown.node)?.unknowns.push(unknown);
  return facts;
}

/** Most severe first, then by id and place, so tables and panels read the same every time. */
export function bySeverity(a: ReportFinding, b: ReportFinding): number {
  return -compareSeverity(a.severity, b.severity) || cmp(a.id, b.id) || cmp(a.where, b.where) || cmp(a.title, b.title);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
