import { UsageError } from '../core/errors.js';
import type { LifecycleEdge, LifecycleMap, LifecycleNode, Trace, TraceHop } from './model.js';
import { imageKey } from './references.js';

const maxPaths = 200;
const maxCandidatesShown = 12;

/**
 * Walks the map from one node: upstream back through registry, pipeline, Dockerfile and parent
 * image to the parent registry; downstream to the workloads that run it and the images built on
 * it, and the containers a host scan found running it on their hosts. `query` is an image reference
 * (`registry.example.com/team/api:1.2`, `nginx`), a workload (`prod/Deployment/api`, `Deployment/api`,
 * `api` when unique), a container (`host/name`) or a node id. An unknown or
 * ambiguous query is a UsageError listing the candidates.
 */
export function traceLifecycle(map: LifecycleMap, query: string): Trace {
  const start = resolveQuery(map, query);
  const graph = new Adjacency(map);
  const upstream = paths(start, (node, via) => graph.upstream(node, via));
  // The hosts only matter when the trace starts at what runs on them (else every path fans out to every node).
  const toHosts = start.kind === 'workload' || start.kind === 'cluster';
  const downstream = paths(start, (node) => (node.kind === 'cluster' && !toHosts ? [] : graph.downstream(node)));
  const onPaths = new Set([start.id, ...[...upstream, ...downstream].flatMap((p) => p.map((hop) => hop.node.id))]);
  // A break belongs to the trace when all the nodes it names are on it (not, say, another image of the same pipeline).
  const breaks = map.findings.filter((f) => f.nodes.length > 0 && f.nodes.every((id) => onPaths.has(id)));
  return { query, start, upstream, downstream, breaks };
}

/** The node a query names; UsageError with the candidates when none or several match. */
function resolveQuery(map: LifecycleMap, query: string): LifecycleNode {
  const text = query.trim();
  const byId = map.nodes.find((n) => n.id === text);
  if (byId !== undefined) return byId;
  const matches = new Set<LifecycleNode>();
  for (const node of map.nodes) if (node.kind === 'workload' && workloadMatches(node, text)) matches.add(node);
  const key = imageKey(text);
  if (key.ok) {
    const image = map.nodes.find((n) => n.id === `image:${key.key}`);
    if (image !== undefined) matches.add(image);
  }
  // Other nodes by their label (`apps/api`, `docker.io`) only when no workload or image matches: traces are of those.
  if (matches.size === 0) for (const node of map.nodes) if (node.label === text || node.id.endsWith(`:${text}`)) matches.add(node);
  const found = [...matches];
  if (found.length === 1 && found[0] !== undefined) return found[0];
  if (found.length > 1) {
    throw new UsageError(`${JSON.stringify(query)} matches ${found.length} nodes: ${found.map((n) => n.id).join(', ')}`, {
      hint: 'give the namespace/Kind/name of the workload, the full image reference or the node id',
    });
  }
  const lower = text.toLowerCase();
  const similar = map.nodes.filter((n) => (n.kind === 'workload' || n.kind === 'image') && n.id.toLowerCase().includes(lower));
  const candidates = (similar.length > 0 ? similar : map.nodes.filter((n) => n.kind === 'workload' || n.kind === 'image')).slice(0, maxCandidatesShown);
  throw new UsageError(`nothing on the map matches ${JSON.stringify(query)}`, {
    hint:
      candidates.length === 0
        ? 'the map has no images or workloads: give sources, manifests or a cluster'
        : `${similar.length > 0 ? 'similar' : 'for example'}: ${candidates.map((n) => n.id).join(', ')}`,
  });
}

function workloadMatches(node: LifecycleNode, text: string): boolean {
  const { namespace, kind, name } = node.attributes;
  if (typeof name !== 'string') return false;
  const parts = text.split('/');
  if (parts.length === 3) return parts[0] === namespace && parts[1]?.toLowerCase() === String(kind).toLowerCase() && parts[2] === name;
  if (parts.length === 2) return (parts[0]?.toLowerCase() === String(kind).toLowerCase() || parts[0] === namespace) && parts[1] === name;
  return parts.length === 1 && text === name;
}

/** Every path from `start` following `next`, without revisiting a node on the same path, bounded. */
function paths(start: LifecycleNode, next: (node: LifecycleNode, via: LifecycleEdge | undefined) => TraceHop[]): TraceHop[][] {
  const result: TraceHop[][] = [];
  const walk = (node: LifecycleNode, via: LifecycleEdge | undefined, path: TraceHop[], seen: Set<string>): void => {
    if (result.length >= maxPaths) return;
    // a registry is a pass-through: the parent image's path goes through the registry its child came through
    const hops = next(node, via).filter((hop) => !seen.has(hop.node.id) || hop.node.kind === 'registry');
    if (hops.length === 0) {
      if (path.length > 0) result.push(path);
      return;
    }
    for (const hop of hops) walk(hop.node, hop.via, [...path, hop], new Set([...seen, hop.node.id]));
  };
  walk(start, undefined, [], new Set([start.id]));
  return result;
}

/** The map's edges indexed both ways, with the lifecycle's idea of "upstream" and "downstream". */
class Adjacency {
  private readonly nodes: Map<string, LifecycleNode>;
  private readonly out = new Map<string, LifecycleEdge[]>();
  private readonly in = new Map<string, LifecycleEdge[]>();

  constructor(map: LifecycleMap) {
    this.nodes = new Map(map.nodes.map((n) => [n.id, n]));
    for (const edge of map.edges) {
      this.out.set(edge.from, [...(this.out.get(edge.from) ?? []), edge]);
      this.in.set(edge.to, [...(this.in.get(edge.to) ?? []), edge]);
    }
  }

  /**
   * workload → image it pulls; image → its registry, then the pipelines pushing it (or what builds
   * it, or the image it was copied from); pipeline → the Dockerfile it built this image from (else
   * its repository); Dockerfile → its parent images; registry (reached from an image) → on, as the
   * image would.
   */
  upstream(node: LifecycleNode, via: LifecycleEdge | undefined): TraceHop[] {
    switch (node.kind) {
      case 'workload':
      case 'container':
        return this.hops(this.outgoing(node.id, 'pulled-from'), 'to');
      case 'image': {
        // The registry hop comes first and the walk continues from it, so paths read image → registry → pipeline.
        const registries = this.hops(this.outgoing(node.id, 'stored-in'), 'to');
        return registries.length > 0 ? registries : this.imageSources(node.id);
      }
      case 'registry':
        return via?.kind === 'stored-in' ? this.imageSources(via.from) : [];
      case 'pipeline': {
        const image = via?.to;
        // Only the Dockerfile this pipeline itself built the image from (a promotion's build is reached through copied-from).
        const builds = (this.in.get(image ?? '') ?? []).filter(
          (e) => e.kind === 'builds' && e.attributes.pipeline === node.id && e.attributes.via === undefined && e.from.startsWith('dockerfile:'),
        );
        const uses = builds.length > 0 ? [] : this.outgoing(node.id, 'uses');
        const dockerfiles = this.hops([...builds, ...uses], (e) => (e.kind === 'builds' ? e.from : e.to));
        return dockerfiles.length > 0 ? dockerfiles : this.hops(this.incoming(node.id, 'contains'), 'from');
      }
      case 'dockerfile':
        return this.hops(this.outgoing(node.id, 'based-on'), 'to');
      default:
        return [];
    }
  }

  /** image → the workloads and containers pulling it (a container → the host it runs on); the Dockerfiles based on it → the images they build → …; the images copied from it. */
  downstream(node: LifecycleNode): TraceHop[] {
    switch (node.kind) {
      case 'image':
        return [
          ...this.hops(this.incoming(node.id, 'pulled-from'), 'from'),
          ...this.hops(this.incoming(node.id, 'based-on'), 'from'),
          ...this.hops(this.incoming(node.id, 'copied-from'), 'from'),
        ];
      case 'dockerfile':
        return this.hops(unique(this.outgoing(node.id, 'builds')), 'to');
      case 'pipeline':
        return this.hops(unique([...this.outgoing(node.id, 'pushes-to'), ...this.outgoing(node.id, 'builds')]), 'to');
      case 'repository':
        return this.hops(this.outgoing(node.id, 'contains'), 'to');
      case 'registry':
        return this.hops(this.incoming(node.id, 'stored-in'), 'from');
      case 'workload':
        return this.hops(this.incoming(node.id, 'runs'), 'from');
      case 'cluster':
        return this.hops(this.outgoing(node.id, 'hosted-on'), 'to');
      case 'container':
        return this.hops(this.incoming(node.id, 'hosts'), 'from');
      default:
        return [];
    }
  }

  /** What an image comes from: the pipelines pushing it (else what builds it), and the image it was copied from. */
  private imageSources(image: string): TraceHop[] {
    const pushes = unique(this.incoming(image, 'pushes-to'));
    const makers = this.hops(pushes.length > 0 ? pushes : unique(this.incoming(image, 'builds')), 'from');
    return [...makers, ...this.hops(this.outgoing(image, 'copied-from'), 'to')];
  }

  private outgoing(id: string, kind: LifecycleEdge['kind']): LifecycleEdge[] {
    return (this.out.get(id) ?? []).filter((e) => e.kind === kind);
  }

  private incoming(id: string, kind: LifecycleEdge['kind']): LifecycleEdge[] {
    return (this.in.get(id) ?? []).filter((e) => e.kind === kind);
  }

  private hops(edges: readonly LifecycleEdge[], end: 'from' | 'to' | ((edge: LifecycleEdge) => string)): TraceHop[] {
    const seen = new Set<string>();
    const hops: TraceHop[] = [];
    // Of several edges to the same node, show the final stage's FROM, then one with a resolved tag (`1.4.2` rather than `${BUILD_NUMBER}`).
    const resolvedFirst = [...edges].sort(
      (a, b) => Number(a.attributes.finalStage === false) - Number(b.attributes.finalStage === false) || Number(hasVariableTag(a)) - Number(hasVariableTag(b)),
    );
    for (const edge of resolvedFirst) {
      const id = typeof end === 'function' ? end(edge) : edge[end];
      const node = this.nodes.get(id);
      if (node === undefined || seen.has(id)) continue;
      seen.add(id);
      hops.push({ node, via: edge });
    }
    return hops;
  }
}

/** One edge per (from, to, kind): several tags of the same push are one hop. */
function unique(edges: readonly LifecycleEdge[]): LifecycleEdge[] {
  const seen = new Set<string>();
  return [...edges]
    .sort((a, b) => Number(hasVariableTag(a)) - Number(hasVariableTag(b)))
    .filter((e) => {
      const key = `${e.from}\0${e.to}\0${e.kind}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function hasVariableTag(edge: LifecycleEdge): boolean {
  return typeof edge.attributes.tag === 'string' && edge.attributes.tag.includes('$');
}
