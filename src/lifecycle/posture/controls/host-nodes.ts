import type { NodeInfo } from '../../../runtime/cluster/nodes.js';
import { nodeId, onMap } from '../support/ids.js';
import type { ControlContext } from './control.js';

/** The nodes read, with their map node ids; undefined when no cluster was read at all. */
export function nodesOf(context: ControlContext): { node: NodeInfo; ids: string[] }[] | undefined {
  const run = context.evidence.run;
  if (run === undefined) return undefined;
  return run.nodes.map((node) => ({ node, ids: onMap(context.map, [nodeId.node(node.name)]) }));
}

export const noNodes = 'no nodes were read (manifests alone say nothing about hosts: read the cluster)';
