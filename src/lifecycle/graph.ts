import type { LifecycleEdge, LifecycleEdgeKind, LifecycleNode, LifecycleNodeKind, LifecycleStage, LifecycleUnknown } from './model.js';

/**
 * The map under construction: nodes by id (added once, evidence and attributes merged), edges
 * without exact duplicates, and the unknowns. `buildLifecycleMap` fills it phase by phase.
 */
export class GraphBuilder {
  readonly nodes = new Map<string, LifecycleNode>();
  readonly edges: LifecycleEdge[] = [];
  readonly unknowns: LifecycleUnknown[] = [];
  private readonly edgeKeys = new Set<string>();
  private readonly unknownKeys = new Set<string>();

  /** Adds a node, or merges evidence and (unset) attributes into the one with the same id. */
  node(
    id: string,
    kind: LifecycleNodeKind,
    stage: LifecycleStage,
    label: string,
    evidence: string | undefined,
    attributes: Record<string, unknown> = {},
  ): LifecycleNode {
    let node = this.nodes.get(id);
    if (node === undefined) {
      node = { id, kind, stage, label, evidence: [], attributes: { ...attributes } };
      this.nodes.set(id, node);
    } else {
      for (const [key, value] of Object.entries(attributes)) if (node.attributes[key] === undefined) node.attributes[key] = value;
    }
    if (evidence !== undefined && !node.evidence.includes(evidence)) node.evidence.push(evidence);
    return node;
  }

  edge(from: string, to: string, kind: LifecycleEdgeKind, attributes: Record<string, unknown>): void {
    const clean = Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined));
    const key = JSON.stringify([from, to, kind, clean]);
    if (this.edgeKeys.has(key)) return;
    this.edgeKeys.add(key);
    this.edges.push({ from, to, kind, attributes: clean });
  }

  hasEdge(from: string, to: string, kind: LifecycleEdgeKind): boolean {
    return this.edges.some((e) => e.from === from && e.to === to && e.kind === kind);
  }

  unknown(unknown: LifecycleUnknown): void {
    const key = JSON.stringify([unknown.node, unknown.value, unknown.where, unknown.reason]);
    if (this.unknownKeys.has(key)) return;
    this.unknownKeys.add(key);
    this.unknowns.push(unknown);
  }
}

/** `file:line`, or the file alone when the line is unknown. */
export function whereOf(file: string, line: number | undefined): string {
  return line === undefined ? file : `${file}:${line}`;
}

/** Splits a `file:line` back into a finding location. */
export function locationOf(where: unknown): { file: string; startLine: number | undefined } | undefined {
  if (typeof where !== 'string' || where === '') return undefined;
  const match = /^(.*):(\d+)$/.exec(where);
  return match ? { file: match[1] ?? where, startLine: Number(match[2]) } : { file: where, startLine: undefined };
}
