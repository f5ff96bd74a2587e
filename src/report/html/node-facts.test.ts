import { describe, expect, it } from 'vitest';
import { indexMap } from './map-index.js';
import { markWorst, maxMarked, type NodeFacts, nodeFactsOf } from './node-facts.js';
import { sampleReportInput } from './test-sample.js';

describe('nodeFactsOf', () => {
  const input = sampleReportInput();
  const index = indexMap(input.map);
  const facts = nodeFactsOf(input, index);
  const of = (id: string) => {
    const fact = facts[index.indexOf.get(id) ?? -1];
    if (!fact) throw new Error(`no node ${id}`);
    return fact;
  };

  it('counts gap and partial controls whose failing evidence or proposed change points at the node', () => {
    const api = of('image:registry.example.com/team/api');
    expect(api.controls.filter((c) => c.gap).map((c) => c.result.control.id)).toEqual(['SS-CTL-B03', 'SS-CTL-D01']);
    expect(api.gapCount).toBe(2);
    // met controls are listed but never marked
    const registry = of('registry:registry.example.com');
    expect(registry.controls.map((c) => [c.result.control.id, c.gap])).toEqual([
      ['SS-CTL-D02', false],
      ['SS-CTL-D03', false],
    ]);
    expect(registry.gapCount).toBe(0);
    // partial control whose evidence here is ok: listed, not marked
    const jenkins = of('pipeline:jenkins:apps/api/Jenkinsfile');
    expect(jenkins.controls.find((c) => c.result.control.id === 'SS-CTL-B02')?.gap).toBe(false);
    // accepted gaps are not marked
    expect(of('cluster:prod-eu').gapCount).toBe(0);
  });

  it('adds lifecycle findings once, whether they come as report findings or only as map findings', () => {
    const web = of('image:registry.example.com/team/web');
    expect(web.gapCount).toBe(2); // SS-CTL-R02 + SS-MAP-002 (report finding; the map finding is the same)
    expect(web.breaks).toEqual([]);
    const gitlab = of('pipeline:gitlab:apps/worker/.gitlab-ci.yml');
    expect(gitlab.breaks.map((b) => b.ruleId)).toEqual(['SS-MAP-004']);
    expect(gitlab.unknowns).toHaveLength(1);
    expect(gitlab.gapCount).toBe(1);
  });

  it('lists the findings on a node, most severe first', () => {
    const api = of('image:registry.example.com/team/api');
    expect(api.findings.map((f) => f.id)).toEqual(['CVE-2024-6387', 'SS-SEC-004', 'CVE-2023-44487', 'CVE-2024-24790', 'SS-REG-002', 'CVE-2023-52425']);
    const total = facts.reduce((n, f) => n + f.findings.length, 0);
    expect(total).toBe(input.findings.reduce((n, f) => n + f.nodes.length, 0));
  });

  it('marks only the few worst nodes: critical and high gaps first, at most maxMarked, at least three when as many have gaps', () => {
    expect(facts.filter((f) => f.marked).every((f) => f.worst === 'HIGH' || f.worst === 'CRITICAL')).toBe(true);
    expect(facts.filter((f) => f.marked)).toHaveLength(maxMarked);
    const fact = (worst: NodeFacts['worst'], gapCount: number): NodeFacts => ({
      controls: [],
      findings: [],
      breaks: [],
      unknowns: [],
      gapCount,
      worst,
      marked: false,
    });
    const few = [fact('MEDIUM', 9), fact('HIGH', 1), fact(undefined, 0), fact('LOW', 20), fact('MEDIUM', 2)];
    markWorst(few);
    // the one high, then the medium ones by count; the low one with 20 gaps is not among the worst
    expect(few.map((f) => f.marked)).toEqual([true, true, false, false, true]);
    const many = Array.from({ length: 8 }, (_, i) => fact(i % 2 ? 'CRITICAL' : 'HIGH', i));
    markWorst(many);
    expect(many.filter((f) => f.marked).map((f) => f.gapCount)).toEqual([1, 3, 5, 6, 7]);
  });
});
