import { describe, expect, it } from 'vitest';
import type { LifecycleMap } from '../../lifecycle/model.js';
import { layoutMap, nodeHeight } from './layout.js';
import { indexMap, stageOrder } from './map-index.js';
import { random } from '../../test-support/random.js';
import { generatedMap, sampleMap } from './test-sample.js';

describe('layoutMap (ELK, layered, partitioned by stage)', () => {
  it('puts the seven stages in columns left to right and every node inside its own column', async () => {
    const index = indexMap(sampleMap());
    const layout = await layoutMap(index);
    expect(layout.columns.map((c) => c.stage)).toEqual([...stageOrder]);
    for (let i = 1; i < layout.columns.length; i++) {
      const [previous, column] = [layout.columns[i - 1], layout.columns[i]];
      expect(column?.x).toBeCloseTo((previous?.x ?? 0) + (previous?.width ?? 0), 1);
    }
    index.nodes.forEach((node, i) => {
      const box = layout.nodes[i];
      const column = layout.columns.find((c) => c.stage === node.stage);
      if (!box || !column) throw new Error(`no box or column for ${node.id}`);
      expect(box.x).toBeGreaterThanOrEqual(column.x);
      expect(box.x + box.width).toBeLessThanOrEqual(column.x + column.width);
      expect(box.y).toBeGreaterThanOrEqual(layout.headingHeight);
      expect(box.height).toBe(nodeHeight);
      expect(box.y + box.height).toBeLessThanOrEqual(layout.height);
    });
    expect(layout.columns.every((c) => !c.empty)).toBe(true);
  });

  it('routes every edge, laying out backwards-stated edges (workload pulled-from image) left to right', async () => {
    const index = indexMap(sampleMap());
    const layout = await layoutMap(index);
    index.edges.forEach((edge, i) => {
      const laid = layout.edges[i];
      expect(laid?.points.length, `${edge.from} ${edge.kind} ${edge.to}`).toBeGreaterThanOrEqual(2);
      const [first, last] = [laid?.points[0], laid?.points.at(-1)];
      if (!first || !last) return;
      if (edge.kind === 'pulled-from' || edge.kind === 'based-on') {
        expect(laid?.reversed).toBe(true);
        expect(first.x).toBeLessThan(last.x);
      }
    });
  });

  it('keeps a column with a placeholder for stages nothing was read for, and lays out an empty map', async () => {
    const map = sampleMap();
    const partial: LifecycleMap = {
      ...map,
      nodes: map.nodes.filter((n) => n.stage !== 'host' && n.stage !== 'ci'),
      edges: map.edges.filter((e) => !e.to.startsWith('node:') && !e.from.startsWith('pipeline:') && !e.to.startsWith('pipeline:')),
    };
    const layout = await layoutMap(indexMap(partial));
    expect(layout.columns.filter((c) => c.empty).map((c) => c.stage)).toEqual(['ci', 'host']);
    for (const column of layout.columns.filter((c) => c.empty)) {
      expect(column.placeholder).toBeDefined();
      expect(column.placeholder?.x).toBeGreaterThanOrEqual(column.x);
    }
    const empty = await layoutMap(indexMap({ ...map, nodes: [], edges: [] }));
    expect(empty.columns.every((c) => c.empty && c.placeholder)).toBe(true);
    expect(empty.width).toBeGreaterThan(0);
  });

  // how long it takes is measured by the benchmarks (npm run bench), not asserted here: these machines are noisy
  it('keeps the stage columns for a generated estate of 150 repositories (700 nodes) with unconnected parts', async () => {
    const index = indexMap(generatedMap(150, random(7)));
    expect(index.nodes.length).toBeGreaterThan(600);
    const layout = await layoutMap(index);
    const spans = stageOrder.map((stage) => {
      const boxes = index.nodes.flatMap((n, i) => (n.stage === stage ? [layout.nodes[i]] : []));
      return { left: Math.min(...boxes.map((b) => b?.x ?? Infinity)), right: Math.max(...boxes.map((b) => (b ? b.x + b.width : -Infinity))) };
    });
    for (let i = 1; i < spans.length; i++) expect(spans[i]?.left).toBeGreaterThan(spans[i - 1]?.right ?? Infinity);
  });

  it('is deterministic', async () => {
    const a = await layoutMap(indexMap(sampleMap()));
    const b = await layoutMap(indexMap(sampleMap()));
    expect(b).toEqual(a);
  });
});
