import { uniqueBy } from '../../core/collections.js';
import type { LifecycleEdge, LifecycleEdgeKind, LifecycleMap, LifecycleNode, LifecycleStage } from '../../lifecycle/model.js';
import type { Flow } from './map-walk.js';

/** The seven stages, drawn as columns left to right. */
export const stageOrder: readonly LifecycleStage[] = ['source', 'ci', 'parent-registry', 'build', 'registry', 'orchestrator', 'host'];

export const stageTitles: Record<LifecycleStage, string> = {
  source: 'Source',
  ci: 'CI',
  'parent-registry': 'Parent registry',
  build: 'Build',
  registry: 'Registry',
  orchestrator: 'Orchestrator',
  host: 'Host',
};

export function stageIndex(stage: LifecycleStage): number {
  const index = stageOrder.indexOf(stage);
  return index < 0 ? stageOrder.length - 1 : index;
}

/** The map's nodes in a stable order (stage, then id) with numeric indices the HTML refers to, so no input string becomes an element id. */
export interface MapIndex {
  nodes: LifecycleNode[];
  indexOf: ReadonlyMap<string, number>;
  /** Edges whose ends are both nodes of the map, without duplicates, in a stable order. */
  edges: LifecycleEdge[];
  /** Edges naming a node the map does not have (reported, not drawn). */
  dangling: LifecycleEdge[];
}

export function indexMap(map: LifecycleMap): MapIndex {
  const nodes = uniqueBy(map.nodes, (n) => n.id).sort((a, b) => stageIndex(a.stage) - stageIndex(b.stage) || compareText(a.id, b.id));
  const indexOf = new Map(nodes.map((node, index) => [node.id, index]));
  const edges: LifecycleEdge[] = [];
  const dangling: LifecycleEdge[] = [];
  for (const edge of uniqueBy(map.edges, (e) => `${e.from}\u0000${e.to}\u0000${e.kind}`)) {
    (indexOf.has(edge.from) && indexOf.has(edge.to) ? edges : dangling).push(edge);
  }
  edges.sort(
    (a, b) => (indexOf.get(a.from) ?? 0) - (indexOf.get(b.from) ?? 0) || (indexOf.get(a.to) ?? 0) - (indexOf.get(b.to) ?? 0) || compareText(a.kind, b.kind),
  );
  return { nodes, indexOf, edges, dangling };
}

/**
 * Each edge in lifecycle order (what comes first → what comes after), whatever way the map states it:
 * a parent image comes before the Dockerfile based on it, an image before the workload pulling it,
 * the image a mirror was copied from before the copy, a workload before the cluster that runs it (and
 * the cluster before its hosts, a container before the host it runs on). `stored-in` is an
 * attachment: an image's registry is shown with the image but is not a way through to other images.
 */
const flowOf: Record<LifecycleEdgeKind, { reversed: boolean; attachment: boolean }> = {
  contains: { reversed: false, attachment: false },
  uses: { reversed: false, attachment: false },
  builds: { reversed: false, attachment: false },
  'based-on': { reversed: true, attachment: false },
  'pushes-to': { reversed: false, attachment: false },
  'copied-from': { reversed: true, attachment: false },
  'stored-in': { reversed: false, attachment: true },
  'pulled-from': { reversed: true, attachment: false },
  runs: { reversed: true, attachment: false },
  'hosted-on': { reversed: false, attachment: false },
  hosts: { reversed: true, attachment: false },
};

export function flowsOf(index: MapIndex): Flow[] {
  return index.edges.map((edge, edgeIndex) => {
    const from = index.indexOf.get(edge.from) ?? 0;
    const to = index.indexOf.get(edge.to) ?? 0;
    const flow = flowOf[edge.kind] ?? { reversed: false, attachment: false };
    return flow.reversed ? [to, from, edgeIndex, flow.attachment ? 1 : 0] : [from, to, edgeIndex, flow.attachment ? 1 : 0];
  });
}

/** Code-point order, independent of the locale the report is rendered in. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
