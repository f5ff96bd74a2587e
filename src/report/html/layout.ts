import { createRequire } from 'node:module';
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { LifecycleStage } from '../../lifecycle/model.js';
import { type MapIndex, stageIndex, stageOrder } from './map-index.js';
import { shortLabel } from './node-words.js';
import { maxOf, minOf } from '../../core/collections.js';

/** Node boxes: a small kind line above a label line. */
export const nodeHeight = 46;
export const labelMax = 36;
const headingHeight = 44;
// elkjs is CommonJS and its typings declare a default export Node's ESM loader does not give us
const ElkLayout = createRequire(import.meta.url)('elkjs/lib/elk.bundled.js') as new () => ELK;

/** Past this many nodes the layout trades some edge crossings for time. */
const largeMap = 150;
const placeholderId = (stage: LifecycleStage): string => `placeholder:${stage}`;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MapLayout {
  width: number;
  height: number;
  /** Where the stage headings sit (above the nodes). */
  headingHeight: number;
  /** One column per stage, in stage order; `empty` stages hold a placeholder box saying nothing was read. */
  columns: { stage: LifecycleStage; x: number; width: number; empty: boolean; placeholder: Box | undefined }[];
  /** By node index (see MapIndex). */
  nodes: Box[];
  /** By edge index: the polyline, in layout direction (left to right; see `reversed`). */
  edges: { points: { x: number; y: number }[]; reversed: boolean }[];
}

/** An estimate of the label width at 12px sans-serif: the SVG is laid out in Node, with no font metrics. */
function nodeWidth(label: string, caption: string): number {
  const text = Math.max(shortLabel(label, labelMax).length, caption.length * 0.9);
  return Math.round(Math.min(300, Math.max(110, text * 7 + 28)));
}

/**
 * Lays the map out with ELK's layered algorithm, left to right, with one partition per stage so
 * stages become columns in lifecycle order. Edges are given to ELK from the earlier stage to the
 * later one (a workload `pulled-from` an image is laid out image → workload); `reversed` says so.
 * Stages with no nodes get a placeholder so every column is there. `captions` (by node index) is the
 * small line drawn above each label, counted in the box width.
 */
export async function layoutMap(index: MapIndex, captions: readonly string[] = []): Promise<MapLayout> {
  const present = new Set(index.nodes.map((n) => n.stage));
  const children: ElkNode[] = index.nodes.map((node, i) => ({
    id: `n${i}`,
    width: nodeWidth(node.label, captions[i] ?? node.kind),
    height: nodeHeight,
    layoutOptions: { 'elk.partitioning.partition': String(stageIndex(node.stage)) },
  }));
  for (const stage of stageOrder) {
    if (present.has(stage)) continue;
    children.push({ id: placeholderId(stage), width: 110, height: nodeHeight, layoutOptions: { 'elk.partitioning.partition': String(stageIndex(stage)) } });
  }
  const reversed: boolean[] = [];
  const edges: ElkExtendedEdge[] = index.edges.map((edge, i) => {
    const from = index.indexOf.get(edge.from) ?? 0;
    const to = index.indexOf.get(edge.to) ?? 0;
    const backwards = stageIndex(index.nodes[from]?.stage ?? 'host') > stageIndex(index.nodes[to]?.stage ?? 'host');
    reversed.push(backwards);
    return { id: `e${i}`, sources: [`n${backwards ? to : from}`], targets: [`n${backwards ? from : to}`] };
  });

  const large = index.nodes.length > largeMap;
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.partitioning.activate': 'true',
      // one layering for the whole map: laid out apart, disconnected parts would ignore the stage columns
      'elk.separateConnectedComponents': 'false',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.spacing.nodeNode': '16',
      'elk.spacing.edgeNode': '12',
      // longest-path layering: the stage partitions fix the columns anyway, and network simplex takes
      // seconds on estates of hundreds of nodes; large maps also get one crossing-minimisation pass
      'elk.layered.layering.strategy': 'LONGEST_PATH',
      ...(large ? { 'elk.layered.thoroughness': '1', 'elk.layered.crossingMinimization.greedySwitch.type': 'OFF' } : {}),
      'elk.padding': `[top=${headingHeight + 12},left=16,bottom=16,right=16]`,
    },
    children,
    edges,
  };
  const graph: ElkNode = await new ElkLayout().layout(root);

  const boxes = new Map<string, Box>();
  for (const child of graph.children ?? []) {
    boxes.set(child.id, { x: round(child.x ?? 0), y: round(child.y ?? 0), width: round(child.width ?? 0), height: round(child.height ?? 0) });
  }
  const nodes = index.nodes.map((_, i) => boxes.get(`n${i}`) ?? { x: 0, y: 0, width: 0, height: 0 });
  const edgeLayouts = index.edges.map((_, i) => {
    const laid = graph.edges?.find((e) => e.id === `e${i}`);
    const points = (laid?.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]).map((p) => ({ x: round(p.x), y: round(p.y) }));
    return { points, reversed: reversed[i] ?? false };
  });

  // columns: the span of each stage's boxes, widened to meet their neighbours halfway
  const spans = stageOrder.map((stage) => {
    const own = index.nodes.flatMap((n, i) => (n.stage === stage ? [nodes[i]] : [])).filter((b): b is Box => b !== undefined);
    const placeholder = boxes.get(placeholderId(stage));
    const all = own.length ? own : placeholder ? [placeholder] : [];
    const left = minOf(all.map((b) => b.x));
    const right = maxOf(all.map((b) => b.x + b.width));
    return { stage, left, right, empty: own.length === 0, placeholder: own.length ? undefined : placeholder };
  });
  const width = round(graph.width ?? 0);
  const columns = spans.map((span, i) => {
    const previous = spans[i - 1];
    const next = spans[i + 1];
    const left = previous ? (previous.right + span.left) / 2 : 0;
    const right = next ? (span.right + next.left) / 2 : width;
    return { stage: span.stage, x: round(left), width: round(right - left), empty: span.empty, placeholder: span.placeholder };
  });
  return { width, height: round(graph.height ?? 0), headingHeight, columns, nodes, edges: edgeLayouts };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
