/**
 * The walk along the map's flows, shared by the renderer's tests and the report's page script (which
 * is bundled for the browser): this module imports nothing, so it runs in both.
 */

/** An edge in lifecycle order, by node index: [before, after, edge index, 1 when an attachment]. */
export type Flow = [number, number, number, 0 | 1];

export interface LifecyclePath {
  /** Node indices on the path, the start included, ascending. */
  nodes: number[];
  /** Edge indices on the path, ascending. */
  edges: number[];
}

/**
 * Everything before a node (what it is built from, where its parent comes from) and after it (where
 * it is stored, who runs it, on which hosts). The report's page script (page/) lights up this path.
 */
export function lifecyclePath(flows: readonly Flow[], start: number): LifecyclePath {
  const nodes = new Set([start]);
  const edges = new Set<number>();
  const walk = (forward: boolean): Set<number> => {
    const seen = new Set([start]);
    const queue = [start];
    for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
      for (const [before, after, edge, attachment] of flows) {
        const [here, there] = forward ? [before, after] : [after, before];
        if (here !== at) continue;
        // attachments lead to a registry and stop there; from a registry, back to its images only when it is the start
        if (attachment && !forward && at !== start) continue;
        edges.add(edge);
        nodes.add(there);
        if (seen.has(there) || (attachment && forward)) continue;
        seen.add(there);
        queue.push(there);
      }
    }
    return seen;
  };
  const upstream = walk(false);
  walk(true);
  // the registries the upstream images (parents) come from
  for (const [before, after, edge, attachment] of flows) {
    if (attachment && upstream.has(before)) {
      nodes.add(after);
      edges.add(edge);
    }
  }
  return { nodes: [...nodes].sort((a, b) => a - b), edges: [...edges].sort((a, b) => a - b) };
}
