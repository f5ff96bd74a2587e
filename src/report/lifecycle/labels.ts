import type { LifecycleEdge, LifecycleMap, LifecycleStage } from '../../lifecycle/model.js';

/** The stages left to right, with the titles every renderer shows. */
export const stageTitles: readonly (readonly [LifecycleStage, string])[] = [
  ['source', 'Source'],
  ['ci', 'CI'],
  ['parent-registry', 'Parent registries'],
  ['build', 'Build'],
  ['registry', 'Registries'],
  ['orchestrator', 'Orchestrator'],
  ['host', 'Hosts'],
];

/** One drawn link per (from, to, kind): its edges' tags joined. */
export interface Link {
  from: string;
  to: string;
  kind: LifecycleEdge['kind'];
  label: string;
  edges: LifecycleEdge[];
}

export function linksOf(map: Pick<LifecycleMap, 'edges'>): Link[] {
  const links = new Map<string, Link>();
  for (const edge of map.edges) {
    const key = `${edge.from}\0${edge.to}\0${edge.kind}`;
    const link = links.get(key) ?? { from: edge.from, to: edge.to, kind: edge.kind, label: edge.kind, edges: [] };
    link.edges.push(edge);
    links.set(key, link);
  }
  for (const link of links.values()) {
    const tags = [...new Set(link.edges.map((e) => e.attributes.tag).filter((t): t is string => typeof t === 'string'))];
    const shown = tags.slice(0, 3).join(', ') + (tags.length > 3 ? ` +${tags.length - 3}` : '');
    link.label = shown === '' ? link.kind : `${link.kind} ${shown}`;
  }
  return [...links.values()];
}

/** Node ids named by a break, with the rule ids naming them. */
export function breaksByNode(map: Pick<LifecycleMap, 'findings'>): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const finding of map.findings) {
    for (const id of finding.nodes) {
      const rules = result.get(id) ?? [];
      if (!rules.includes(finding.ruleId)) rules.push(finding.ruleId);
      result.set(id, rules);
    }
  }
  return result;
}

/** Whether a link joins two nodes of the same break (it is drawn as broken). */
export function isBrokenLink(map: Pick<LifecycleMap, 'findings'>, link: Pick<Link, 'from' | 'to'>): boolean {
  return map.findings.some((f) => f.nodes.includes(link.from) && f.nodes.includes(link.to));
}
