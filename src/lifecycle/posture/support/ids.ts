import type { Pipeline } from '../../../buildtime/ci/model.js';
import type { LifecycleMap } from '../../model.js';

/**
 * Lifecycle map node ids, built the way the map names its nodes (see `LifecycleNode.id`), so the
 * report can mark each piece of evidence on the map.
 */
export const nodeId = {
  pipeline: (pipeline: Pick<Pipeline, 'id'>): string => `pipeline:${pipeline.id}`,
  dockerfile: (file: string): string => `dockerfile:${file}`,
  repository: (path: string): string => `repository:${path}`,
  /** An image repository: `image:registry.example.com/team/api`. */
  image: (registry: string, repository: string): string => `image:${registry}/${repository}`,
  registry: (host: string): string => `registry:${host}`,
  workload: (namespace: string, kind: string, name: string): string => `workload:${namespace}/${kind}/${name}`,
  cluster: (name: string): string => `cluster:${name}`,
  node: (name: string): string => `node:${name}`,
};

/**
 * Keeps the ids the map has. When the map has no nodes at all (the assessment ran without one),
 * the ids are kept as built: they still name the places in the id scheme.
 */
export function onMap(map: LifecycleMap, ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  if (map.nodes.length === 0) return unique;
  const known = new Set(map.nodes.map((node) => node.id));
  return unique.filter((id) => known.has(id));
}
