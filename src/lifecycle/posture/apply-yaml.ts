/**
 * Where edits go in a YAML file (GitHub Actions, GitLab CI, Kubernetes manifests), found with the
 * `yaml` package's source ranges: the item holding a line inside a key (a step inside `steps`, a
 * script line inside `script`, a job at the top level), and a mapping merged into the mapping
 * of such an item as line operations, so the rest of the file stays as written.
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { EditError, type LineOps, type LineRange } from './apply-lines.js';
import { maxOf, minOf } from '../../core/collections.js';

/** An item (a sequence item or a mapping entry) and its lines. */
interface ItemRange extends LineRange {
  node: YamlNode | Pair;
}

interface Parsed {
  /** Every document of the file (manifests often hold several). */
  docs: Document.Parsed[];
  lines: LineCounter;
  text: string;
}

function parse(text: string, file: string): Parsed {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  const error = docs.flatMap((d) => d.errors)[0];
  if (error !== undefined) throw new EditError(file, `it is not valid YAML (${error.message.split('\n')[0] ?? ''})`);
  return { docs, lines, text };
}

function lineAt(parsed: Parsed, offset: number): number {
  return parsed.lines.linePos(offset).line;
}

/** The last line with content before `end` (ranges end after the newline). */
function lastLine(parsed: Parsed, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(parsed.text[e - 1] ?? '')) e--;
  return lineAt(parsed, Math.max(start, e - 1));
}

function rangeOf(parsed: Parsed, item: YamlNode | Pair): { start: number; end: number } {
  if (isPair(item)) {
    const key = item.key as YamlNode | null;
    const value = item.value as YamlNode | null;
    const start = key?.range?.[0] ?? value?.range?.[0] ?? 0;
    const end = value?.range?.[1] ?? key?.range?.[1] ?? start;
    return { start: lineAt(parsed, start), end: lastLine(parsed, start, end) };
  }
  const range = item.range ?? [0, 0, 0];
  return { start: lineAt(parsed, range[0]), end: lastLine(parsed, range[0], range[1]) };
}

/** Every collection directly under a key named `key` (`(root)`: each document's top-level mapping). */
function containers(parsed: Parsed, key: string): (YAMLMap | YAMLSeq)[] {
  const roots = parsed.docs.map((d) => d.contents);
  if (key === '(root)') return roots.flatMap((root) => (isMap(root) ? [root] : []));
  const found: (YAMLMap | YAMLSeq)[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 100) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) && String(pair.key.value) === key && (isMap(pair.value) || isSeq(pair.value))) found.push(pair.value);
        visit(pair.value, depth + 1);
      }
    } else if (isSeq(node)) for (const item of node.items) visit(item, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  return found;
}

/** The lines of the item holding `line` directly inside the innermost `key` that holds it. */
export function yamlItem(text: string, file: string, line: number, key: string): LineRange {
  const { start, end } = findItem(parse(text, file), file, line, key);
  return { start, end };
}

function findItem(parsed: Parsed, file: string, line: number, key: string): ItemRange {
  let best: ItemRange | undefined;
  for (const container of containers(parsed, key)) {
    for (const item of container.items as (YamlNode | Pair)[]) {
      const range = rangeOf(parsed, item);
      if (range.start <= line && line <= range.end && (best === undefined || range.start >= best.start)) best = { ...range, node: item };
    }
  }
  if (best === undefined) throw new EditError(file, `no item of \`${key}\` holds line ${line}`);
  return best;
}

/** Columns of leading blanks of a line. */
function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Lines `start..end` (1-based) of `text`, shifted so the first sits at column 0 and then at `indent`. */
function block(lines: readonly string[], start: number, end: number, indent: string): string[] {
  const slice = lines.slice(start - 1, end);
  const base = minOf(slice.filter((l) => l.trim() !== '').map(indentOf));
  return slice.map((l) => (l.trim() === '' ? '' : `${indent}${l.slice(base)}`));
}

/**
 * Merges the mapping `patchText` into the mapping of the item holding `line` inside `key`: keys it
 * lacks are added after its last line, lists extended after their last item, mappings merged,
 * scalars that differ set. Throws when the shapes disagree (a list where a mapping is, flow maps).
 */
export function yamlMerge(text: string, file: string, line: number, key: string, patchText: string, ops: LineOps): void {
  const parsed = parse(text, file);
  const item = findItem(parsed, file, line, key).node;
  const target = isPair(item) ? item.value : item;
  if (!isMap(target) || target.flow === true) throw new EditError(file, `the item at line ${line} is not a block mapping`);
  const patch = parse(patchText, '(change)');
  const patchMap = patch.docs[0]?.contents;
  if (!isMap(patchMap)) throw new EditError(file, 'the change is not a YAML mapping');
  mergeMap(parsed, target, patch, patchMap, ops, file);
}

function mergeMap(parsed: Parsed, target: YAMLMap, patch: Parsed, patchMap: YAMLMap, ops: LineOps, file: string): void {
  const patchLines = patch.text.split('\n');
  const first = target.items[0];
  if (first === undefined) throw new EditError(file, 'cannot add keys to an empty mapping');
  // the column of the keys themselves (a list item's first key sits after its `- `)
  const keyColumn = ' '.repeat(parsed.lines.linePos((first.key as YamlNode | null)?.range?.[0] ?? 0).col - 1);
  const mapEnd = maxOf(target.items.map((p) => rangeOf(parsed, p).end));
  for (const pair of patchMap.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (name === undefined) throw new EditError(file, 'the change has a key that is not a plain name');
    const existing = target.items.find((p) => isScalar(p.key) && String(p.key.value) === name);
    if (existing === undefined) {
      const range = rangeOf(patch, pair);
      ops.insertAfter(mapEnd, block(patchLines, range.start, range.end, keyColumn));
      continue;
    }
    const have = existing.value;
    const want = pair.value;
    if (isMap(have) && isMap(want) && have.flow !== true) mergeMap(parsed, have, patch, want, ops, file);
    else if (isSeq(have) && isSeq(want)) mergeSeq(parsed, existing as Pair<unknown, YAMLSeq>, patch, want, ops, file);
    else if (isScalar(have) && isScalar(want)) {
      if (String(have.value) === String(want.value)) continue;
      const range = have.range ?? [0, 0, 0];
      const where = lineAt(parsed, range[0]);
      if (where !== lastLine(parsed, range[0], range[1])) throw new EditError(file, `${name} at line ${where} spans several lines`);
      ops.substitute(where, parsed.text.slice(range[0], range[1]), patch.text.slice(want.range?.[0] ?? 0, want.range?.[1] ?? 0));
    } else throw new EditError(file, `${name} at line ${rangeOf(parsed, existing).start} is not the kind of value the change expects`);
  }
}

function mergeSeq(parsed: Parsed, existing: Pair<unknown, YAMLSeq>, patch: Parsed, want: YAMLSeq, ops: LineOps, file: string): void {
  const have = existing.value as YAMLSeq;
  const source = (p: Parsed, node: unknown): string => {
    const range = (node as YamlNode).range ?? [0, 0, 0];
    return p.text.slice(range[0], range[1]).trim();
  };
  const present = new Set(have.items.map((i) => source(parsed, i)));
  const added = want.items.filter((i) => !present.has(source(patch, i)));
  if (added.length === 0) return;
  if (added.some((i) => source(patch, i).includes('\n'))) throw new EditError(file, 'the change adds a list item of several lines');
  const range = have.range ?? [0, 0, 0];
  if (have.flow === true) {
    const where = lineAt(parsed, range[0]);
    if (where !== lastLine(parsed, range[0], range[1])) throw new EditError(file, `the list at line ${where} spans several lines`);
    const items = [...have.items.map((i) => source(parsed, i)), ...added.map((i) => source(patch, i))];
    ops.substitute(where, parsed.text.slice(range[0], range[1]), `[${items.join(', ')}]`);
    return;
  }
  const fileLines = parsed.text.split('\n');
  const firstItem = have.items[0];
  if (firstItem === undefined) throw new EditError(file, 'cannot extend an empty list');
  const itemLine = fileLines[lineAt(parsed, (firstItem as YamlNode).range?.[0] ?? 0) - 1] ?? '';
  const dash = ' '.repeat(itemLine.indexOf('-') < 0 ? indentOf(itemLine) : itemLine.indexOf('-'));
  ops.insertAfter(
    lastLine(parsed, range[0], range[1]),
    added.map((i) => `${dash}- ${source(patch, i)}`),
  );
}
