/**
 * YAML for CI files (GitHub Actions, GitLab CI) as a small tree that keeps the file and line of
 * every node: anchors and aliases resolved (bounded: an alias bomb is a diagnostic, not a hang),
 * `<<` merge keys applied, GitLab's `!reference [job, key]` kept for later resolution.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit, type Alias, type Document, type Node as YamlNode } from 'yaml';
import { maxCiNestingDepth } from '../../core/limits.js';

interface Where {
  file: string;
  /** 1-based line of the node (for block scalars: the header line). */
  line: number;
}

export type YNode =
  | (Where & { kind: 'map'; entries: Map<string, YNode> })
  | (Where & { kind: 'seq'; items: YNode[] })
  | (Where & {
      kind: 'scalar';
      value: string | number | boolean | null;
      /** `|` / `>` block scalars: content starts on the next line. */
      block: boolean;
    })
  /** GitLab `!reference [.job, script]`. */
  | (Where & { kind: 'reference'; path: string[] });

/** Most nodes one file may expand to (aliases included). */
const maxNodes = 200_000;
/** What the yaml package reports when nesting exhausts its (recursive) composer. */
const stackExhausted = /maximum call stack size exceeded/i;
const tooDeep = `nested deeper than the parser can follow (CI files are read to ${maxCiNestingDepth} levels: the maxCiNestingDepth limit)`;

/** Parses YAML; problems go to `diagnostics`. Undefined when there is no document or it has errors. */
export function loadYaml(text: string, file: string, diagnostics: string[]): YNode | undefined {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  } catch (error) {
    diagnostics.push(`${file}: YAML could not be read: ${stackExhausted.test((error as Error).message) ? tooDeep : (error as Error).message}`);
    return undefined;
  }
  for (const error of doc.errors)
    diagnostics.push(`${file}: line ${lineCounter.linePos(error.pos[0]).line}: ${stackExhausted.test(error.message) ? tooDeep : firstLine(error.message)}`);
  for (const warning of doc.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED' && warning.message.includes('!reference')) continue;
    diagnostics.push(`${file}: line ${lineCounter.linePos(warning.pos[0]).line}: ${firstLine(warning.message)}`);
  }
  // the CI system refuses a file that does not parse: nothing of it runs
  if (doc.errors.length > 0) return undefined;
  const anchors = anchorIndex(doc);
  const budget = { nodes: 0, exceeded: false };
  const convert = (node: unknown, depth: number): YNode | undefined => {
    if (budget.exceeded) return undefined;
    if (++budget.nodes > maxNodes || depth > maxCiNestingDepth) {
      budget.exceeded = true;
      diagnostics.push(
        `${file}: YAML expands to more than ${maxNodes} nodes or ${maxCiNestingDepth} levels (aliases? the maxCiNestingDepth limit): read no further`,
      );
      return undefined;
    }
    if (isAlias(node)) return convert(anchors.resolve(node), depth + 1);
    const line = lineOf(node as YamlNode, lineCounter);
    if (isMap(node)) {
      const entries = new Map<string, YNode>();
      const merged: YNode[] = [];
      for (const pair of node.items) {
        const key = isScalar(pair.key)
          ? String(pair.key.value)
          : isAlias(pair.key)
            ? String((anchors.resolve(pair.key) as Scalar | undefined)?.value)
            : String(pair.key);
        const value = convert(pair.value, depth + 1) ?? {
          kind: 'scalar',
          value: null,
          block: false,
          file,
          line: isScalar(pair.key) ? lineOf(pair.key, lineCounter) : line,
        };
        if (key === '<<') merged.push(value);
        else entries.set(key, value);
      }
      // `<<: *base` / `<<: [*a, *b]`: keys written in the map win, then earlier merges win
      for (const source of merged.flatMap((m) => (m.kind === 'seq' ? m.items : [m]))) {
        if (source.kind !== 'map') continue;
        for (const [key, value] of source.entries) if (!entries.has(key)) entries.set(key, value);
      }
      return { kind: 'map', entries, file, line };
    }
    if (isSeq(node)) {
      const items = node.items.map((item) => convert(item, depth + 1)).filter((n): n is YNode => n !== undefined);
      if (node.tag === '!reference') {
        return { kind: 'reference', path: items.map((i) => (i.kind === 'scalar' ? String(i.value) : '')), file, line };
      }
      return { kind: 'seq', items, file, line };
    }
    if (isScalar(node)) {
      const value = node.value;
      const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : String(value);
      return { kind: 'scalar', value: scalar, block: node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED, file, line };
    }
    return undefined;
  };
  if (doc.contents === null) return undefined;
  return convert(doc.contents, 0);
}

/**
 * Resolves aliases from one pass over the document: `Alias.resolve` searches the whole document
 * for each alias, so a file of thousands of aliases took time quadratic in its size. An alias names
 * the nearest anchor of that name before it.
 */
function anchorIndex(doc: Document.Parsed): { resolve(alias: Alias): unknown } {
  const byName = new Map<string, { at: number; node: unknown }[]>();
  visit(doc, (_key, node) => {
    if (node === null || typeof node !== 'object') return;
    const anchor = (node as { anchor?: unknown }).anchor;
    if (typeof anchor !== 'string' || isAlias(node)) return;
    const list = byName.get(anchor) ?? [];
    list.push({ at: (node as YamlNode).range?.[0] ?? 0, node });
    byName.set(anchor, list);
  });
  for (const list of byName.values()) list.sort((a, b) => a.at - b.at);
  return {
    resolve(alias) {
      const list = byName.get(alias.source);
      const at = alias.range?.[0] ?? Number.MAX_SAFE_INTEGER;
      if (list === undefined) return undefined;
      // the last anchor starting before the alias (binary search)
      let low = 0;
      let high = list.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if ((list[mid]?.at ?? 0) < at) low = mid + 1;
        else high = mid;
      }
      return list[low - 1]?.node;
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function lineOf(node: YamlNode | undefined, lineCounter: LineCounter): number {
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : lineCounter.linePos(offset).line;
}

/** A map entry. */
export function get(node: YNode | undefined, key: string): YNode | undefined {
  return node?.kind === 'map' ? node.entries.get(key) : undefined;
}

/** A scalar's text (`null` → undefined; numbers and booleans as YAML wrote them). */
export function text(node: YNode | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

/** The first line of a scalar's content (block scalars start below their header). */
export function contentLine(node: YNode): number {
  return node.kind === 'scalar' && node.block ? node.line + 1 : node.line;
}

/** `true`, `'true'`, `false`… → boolean; undefined for anything else (an expression). */
export function bool(node: YNode | undefined): boolean | undefined {
  if (node?.kind !== 'scalar') return undefined;
  if (node.value === true || node.value === 'true') return true;
  if (node.value === false || node.value === 'false') return false;
  return undefined;
}

export function entries(node: YNode | undefined): [string, YNode][] {
  return node?.kind === 'map' ? [...node.entries] : [];
}

export function items(node: YNode | undefined): YNode[] {
  if (node === undefined) return [];
  return node.kind === 'seq' ? node.items : [node];
}
