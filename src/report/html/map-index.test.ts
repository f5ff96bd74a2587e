import { describe, expect, it } from 'vitest';
import { flowsOf, indexMap, stageOrder } from './map-index.js';
import { lifecyclePath } from './map-walk.js';
import { sampleMap } from './test-sample.js';

const map = sampleMap();
const index = indexMap(map);
const flows = flowsOf(index);
const ids = (nodes: number[]): string[] => nodes.map((i) => index.nodes[i]?.id ?? `?${i}`).sort();

describe('indexMap', () => {
  it('orders nodes by stage then id, and indexes every node once', () => {
    expect(index.nodes).toHaveLength(map.nodes.length);
    const stages = index.nodes.map((n) => stageOrder.indexOf(n.stage));
    expect(stages).toEqual([...stages].sort((a, b) => a - b));
    expect(index.nodes[0]?.id).toBe('repository:apps/api');
    expect(index.nodes.at(-1)?.id).toBe('node:ip-10-0-2-7');
    index.nodes.forEach((node, i) => expect(index.indexOf.get(node.id)).toBe(i));
  });

  it('drops duplicate edges and keeps edges to unknown nodes aside', () => {
    const broken = sampleMap();
    const [firstEdge, firstNode] = [broken.edges[0], broken.nodes[0]];
    if (!firstEdge || !firstNode) throw new Error('the sample has nodes and edges');
    broken.edges.push({ ...firstEdge }, { from: 'workload:prod/Deployment/api', to: 'image:nowhere/x', kind: 'pulled-from', attributes: {} });
    broken.nodes.push({ ...firstNode });
    const again = indexMap(broken);
    expect(again.nodes).toHaveLength(map.nodes.length);
    expect(again.edges).toHaveLength(map.edges.length);
    expect(again.dangling.map((e) => e.to)).toEqual(['image:nowhere/x']);
  });

  it('gives the same order whatever order the map lists things in', () => {
    const shuffled = sampleMap();
    shuffled.nodes.reverse();
    shuffled.edges.reverse();
    const again = indexMap(shuffled);
    expect(again.nodes.map((n) => n.id)).toEqual(index.nodes.map((n) => n.id));
    expect(again.edges).toEqual(index.edges);
  });
});

describe('lifecycle paths', () => {
  const at = (id: string): number => {
    const i = index.indexOf.get(id);
    if (i === undefined) throw new Error(`no node ${id}`);
    return i;
  };

  it('orients edges in lifecycle order: parent before Dockerfile, image before workload, workload before cluster', () => {
    const flowOf = (from: string, kind: string, to: string): [string, string] | undefined => {
      const e = index.edges.findIndex((edge) => edge.from === from && edge.kind === kind && edge.to === to);
      const flow = flows.find((f) => f[2] === e);
      return flow ? [index.nodes[flow[0]]?.id ?? '', index.nodes[flow[1]]?.id ?? ''] : undefined;
    };
    expect(flowOf('dockerfile:apps/api/Dockerfile', 'based-on', 'image:docker.io/library/node')).toEqual([
      'image:docker.io/library/node',
      'dockerfile:apps/api/Dockerfile',
    ]);
    expect(flowOf('workload:prod/Deployment/api', 'pulled-from', 'image:registry.example.com/team/api')).toEqual([
      'image:registry.example.com/team/api',
      'workload:prod/Deployment/api',
    ]);
    expect(flowOf('cluster:prod-eu', 'runs', 'workload:prod/Deployment/api')).toEqual(['workload:prod/Deployment/api', 'cluster:prod-eu']);
    expect(flowOf('cluster:prod-eu', 'hosted-on', 'node:ip-10-0-1-5')).toEqual(['cluster:prod-eu', 'node:ip-10-0-1-5']);
  });

  it("an image's path runs from its sources and parent to the workloads and hosts running it, and no further", () => {
    const path = lifecyclePath(flows, at('image:registry.example.com/team/api'));
    expect(ids(path.nodes)).toEqual(
      [
        'repository:apps/api',
        'pipeline:jenkins:apps/api/Jenkinsfile',
        'dockerfile:apps/api/Dockerfile',
        'image:docker.io/library/node',
        'registry:docker.io',
        'image:registry.example.com/team/api',
        'registry:registry.example.com',
        'workload:prod/Deployment/api',
        'workload:staging/Deployment/api',
        'cluster:prod-eu',
        'node:ip-10-0-1-5',
        'node:ip-10-0-1-6',
        'node:ip-10-0-2-7',
      ].sort(),
    );
    // every edge on the path joins two nodes on the path
    for (const e of path.edges) {
      const edge = index.edges[e];
      expect(path.nodes).toContain(at(edge?.from ?? ''));
      expect(path.nodes).toContain(at(edge?.to ?? ''));
    }
    // the web image shares the parent but is not on the api image's path, nor its registry's other images
    expect(path.nodes).not.toContain(at('image:registry.example.com/team/web'));
    expect(path.nodes).not.toContain(at('image:docker.io/library/redis'));
  });

  it("a parent image's path reaches every image built on it, downstream", () => {
    const path = ids(lifecyclePath(flows, at('image:docker.io/library/node')).nodes);
    expect(path).toContain('image:registry.example.com/team/web');
    expect(path).toContain('workload:prod/Deployment/web');
    expect(path).not.toContain('image:registry.example.com/team/worker');
  });

  it("a registry's path starts at the images stored in it", () => {
    const path = ids(lifecyclePath(flows, at('registry:registry.example.com')).nodes);
    expect(path).toEqual(
      expect.arrayContaining([
        'image:registry.example.com/team/api',
        'image:registry.example.com/team/web',
        'image:registry.example.com/team/worker',
        'repository:apps/web',
      ]),
    );
    expect(path).not.toContain('image:docker.io/library/redis');
    expect(path).not.toContain('workload:prod/StatefulSet/redis');
  });
});
