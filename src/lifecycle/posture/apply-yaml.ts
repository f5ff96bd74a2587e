/**
 * Where edits go in a YAML file (GitHub Actions, GitLab CI, Kubernetes manifests, compose files),
 * found with the `yaml` package's source ranges: the item holding a line inside a key (a step
 * inside `steps`, a script line inside `script`, a job at the top level, a container inside
 * `containers`), and a mapping merged into the mapping of such an item as line operations, so the
 * rest of the file stays as written: comments, key order, quoting, and the file's own indentation
 * (a block added to a file indented by 4 is indented by 4). Flow collections (`{ drop: [ALL] }`)
 * are edited in place, on their lines.
 *
 * Several merges applied together (two changes that both set `privileged: false` on one container)
 * make each edit once: an identical edit is skipped, and two that disagree on the same place are an
 * `EditError`, never two keys of one name.
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
  type Scalar,
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

/** 0-based column of an offset on its line. */
function columnAt(parsed: Parsed, offset: number): number {
  return parsed.lines.linePos(offset).col - 1;
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

/** What the merges of one application have done so far, so that the next one composes with them. */
interface EditState {
  /** Replacements inside lines, by line: columns of the line as read. */
  columns: Map<number, { start: number; end: number; text: string }[]>;
  /** The text of each line those replacements give. */
  current: Map<number, string>;
  /** Blocks inserted (`line\0text`), so an identical one is not inserted twice. */
  inserted: Set<string>;
  /** Keys added to a mapping (`offset of the mapping\0key` → the lines added). */
  added: Map<string, string>;
}

const states = new WeakMap<LineOps, EditState>();

function stateOf(ops: LineOps): EditState {
  let state = states.get(ops);
  if (state === undefined) {
    state = { columns: new Map(), current: new Map(), inserted: new Set(), added: new Map() };
    states.set(ops, state);
  }
  return state;
}

interface Merge {
  parsed: Parsed;
  patch: Parsed;
  ops: LineOps;
  file: string;
  /** Columns per level of the file, and of the change's text. */
  unit: number;
  patchUnit: number;
}

/**
 * Merges the mapping `patchText` into the mapping of the item holding `line` inside `key`: keys it
 * lacks are added after its last line (inside the braces of a flow mapping), lists extended after
 * their last item, mappings merged, scalars that differ set (keeping their quotes). Throws when the
 * shapes disagree (a list where a mapping is), or when a value to change spans several lines.
 */
export function yamlMerge(text: string, file: string, line: number, key: string, patchText: string, ops: LineOps): void {
  const parsed = parse(text, file);
  const item = findItem(parsed, file, line, key).node;
  const target = isPair(item) ? item.value : item;
  if (!isMap(target)) throw new EditError(file, `the item at line ${line} is not a mapping`);
  const patch = parse(patchText, '(change)');
  const patchMap = patch.docs[0]?.contents;
  if (!isMap(patchMap)) throw new EditError(file, 'the change is not a YAML mapping');
  const merge: Merge = { parsed, patch, ops, file, unit: indentUnit(parsed, target) ?? 2, patchUnit: indentUnit(patch, patchMap) ?? 2 };
  if (target.flow === true) mergeFlowMap(merge, target, patchMap);
  else mergeMap(merge, target, patchMap);
}

function keyName(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function mergeMap(merge: Merge, target: YAMLMap, patchMap: YAMLMap): void {
  const { parsed, patch, file } = merge;
  const first = target.items[0];
  if (first === undefined) throw new EditError(file, 'cannot add keys to an empty mapping');
  // the column of the keys themselves (a list item's first key sits after its `- `)
  const keyColumn = columnAt(parsed, (first.key as YamlNode | null)?.range?.[0] ?? 0);
  const mapEnd = maxOf(target.items.map((p) => rangeOf(parsed, p).end));
  for (const pair of patchMap.items) {
    const name = keyName(pair);
    if (name === undefined) throw new EditError(file, 'the change has a key that is not a plain name');
    const existing = target.items.find((p) => keyName(p) === name);
    if (existing === undefined) {
      const range = rangeOf(patch, pair);
      const lines = block(merge, range.start, range.end, keyColumn);
      const key = `${target.range?.[0] ?? 0}\0${name}`;
      const before = stateOf(merge.ops).added.get(key);
      if (before === undefined) {
        stateOf(merge.ops).added.set(key, lines.join('\n'));
        insertLines(merge.ops, mapEnd, lines);
      } else if (before !== lines.join('\n')) {
        throw new EditError(file, `two changes add a different \`${name}\` to the mapping at line ${rangeOf(parsed, first).start}: make them one at a time`);
      }
      continue;
    }
    mergeValue(merge, name, existing, pair.value);
  }
}

/** Merges one value of the change into the value a key has in the file (block or flow). */
function mergeValue(merge: Merge, name: string, existing: Pair, want: unknown): void {
  const have = existing.value;
  if (isMap(have) && isMap(want)) {
    if (have.flow === true) mergeFlowMap(merge, have, want);
    else mergeMap(merge, have, want);
  } else if (isSeq(have) && isSeq(want)) mergeSeq(merge, have, want);
  else if (isScalar(have) && isScalar(want)) {
    if (String(have.value) !== String(want.value)) setScalar(merge, name, have, want);
  } else throw new EditError(merge.file, `${name} at line ${rangeOf(merge.parsed, existing).start} is not the kind of value the change expects`);
}

/** A scalar replaced where it stands; a string keeps the quotes it was written with. */
function setScalar(merge: Merge, name: string, have: Scalar, want: Scalar): void {
  const range = have.range ?? [0, 0, 0];
  const written = merge.patch.text.slice(want.range?.[0] ?? 0, want.range?.[1] ?? 0);
  const value = want.value;
  const text =
    typeof value !== 'string'
      ? written
      : have.type === 'QUOTE_DOUBLE'
        ? JSON.stringify(value)
        : have.type === 'QUOTE_SINGLE'
          ? `'${value.replaceAll("'", "''")}'`
          : written;
  if (have.type === 'BLOCK_LITERAL' || have.type === 'BLOCK_FOLDED' || lineAt(merge.parsed, range[0]) !== lastLine(merge.parsed, range[0], range[1])) {
    throw new EditError(merge.file, `${name} at line ${lineAt(merge.parsed, range[0])} spans several lines`);
  }
  replaceAt(merge, range[0], range[1], text);
}

/** The change's values as flow text (`{ type: RuntimeDefault }`, `[ALL]`), for flow collections. */
function flowText(merge: Merge, node: unknown): string {
  if (isMap(node)) return node.items.length === 0 ? '{}' : `{ ${node.items.map((p) => `${keyName(p) ?? ''}: ${flowText(merge, p.value)}`).join(', ')} }`;
  if (isSeq(node)) return `[${node.items.map((i) => flowText(merge, i)).join(', ')}]`;
  if (isScalar(node) && node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') {
    return merge.patch.text.slice(node.range?.[0] ?? 0, node.range?.[1] ?? 0);
  }
  throw new EditError(merge.file, 'the change has a value that cannot be written in a flow collection');
}

function mergeFlowMap(merge: Merge, target: YAMLMap, patchMap: YAMLMap): void {
  const added: string[] = [];
  for (const pair of patchMap.items) {
    const name = keyName(pair);
    if (name === undefined) throw new EditError(merge.file, 'the change has a key that is not a plain name');
    const existing = target.items.find((p) => keyName(p) === name);
    if (existing === undefined) added.push(`${name}: ${flowText(merge, pair.value)}`);
    else mergeValue(merge, name, existing, pair.value);
  }
  if (added.length > 0) extendFlow(merge, target, added);
}

/** Items added at the end of a flow collection, after its last item (so its own spacing stays). */
function extendFlow(merge: Merge, target: YAMLMap | YAMLSeq, items: readonly string[]): void {
  const range = target.range ?? [0, 0, 0];
  const last = target.items[target.items.length - 1] as YamlNode | Pair | undefined;
  if (last === undefined) {
    const [open, close] = isMap(target) ? ['{ ', ' }'] : ['[', ']'];
    replaceAt(merge, range[0], range[1], `${open}${items.join(', ')}${close}`);
    return;
  }
  const end = isPair(last)
    ? ((last.value as YamlNode | null)?.range?.[1] ?? (last.key as YamlNode | null)?.range?.[1] ?? range[0])
    : (last.range?.[1] ?? range[0]);
  replaceAt(merge, end, end, `, ${items.join(', ')}`);
}

function mergeSeq(merge: Merge, have: YAMLSeq, want: YAMLSeq): void {
  const { parsed, patch, file } = merge;
  const valueOf = (node: unknown): string => JSON.stringify((node as YamlNode).toJSON());
  const present = new Set(have.items.map(valueOf));
  const added = want.items.filter((i) => !present.has(valueOf(i)));
  if (added.length === 0) return;
  if (have.flow === true) {
    extendFlow(
      merge,
      have,
      added.map((i) => flowText(merge, i)),
    );
    return;
  }
  const source = (node: unknown): string => {
    const range = (node as YamlNode).range ?? [0, 0, 0];
    return patch.text.slice(range[0], range[1]).trim();
  };
  if (added.some((i) => source(i).includes('\n'))) throw new EditError(file, 'the change adds a list item of several lines');
  const firstItem = have.items[0];
  if (firstItem === undefined) throw new EditError(file, 'cannot extend an empty list');
  const fileLines = parsed.text.split('\n');
  const itemLine = fileLines[lineAt(parsed, (firstItem as YamlNode).range?.[0] ?? 0) - 1] ?? '';
  const dash = ' '.repeat(itemLine.indexOf('-') < 0 ? indentOf(itemLine) : itemLine.indexOf('-'));
  const range = have.range ?? [0, 0, 0];
  insertLines(
    merge.ops,
    lastLine(parsed, range[0], range[1]),
    added.map((i) => `${dash}- ${source(i)}`),
  );
}

function insertLines(ops: LineOps, after: number, lines: readonly string[]): void {
  const key = `${after}\0${lines.join('\n')}`;
  const state = stateOf(ops);
  if (state.inserted.has(key)) return;
  state.inserted.add(key);
  ops.insertAfter(after, lines);
}

/**
 * Text `text` in place of the characters from `start` to `end` (offsets in the file as read, on one
 * line). The line is rewritten whole, from every such replacement made on it so far, so replacements
 * of several merges on one line compose; the same replacement again is skipped; two that overlap
 * are refused.
 */
function replaceAt(merge: Merge, start: number, end: number, text: string): void {
  const { parsed, ops, file } = merge;
  const line = lineAt(parsed, start);
  if (lineAt(parsed, end) !== line && !(end > start && lineAt(parsed, end - 1) === line))
    throw new EditError(file, `the value at line ${line} spans several lines`);
  const from = columnAt(parsed, start);
  const to = from + (end - start);
  const state = stateOf(ops);
  const edits = state.columns.get(line) ?? [];
  for (const other of edits) {
    if (other.start === from && other.end === to && other.text === text) return;
    const overlap = from < other.end && other.start < to;
    const inside = (from === to && other.start < from && from < other.end) || (other.start === other.end && from < other.start && other.start < to);
    if (overlap || inside) {
      throw new EditError(file, `two changes edit the same place on line ${line} differently: make them one at a time`);
    }
  }
  edits.push({ start: from, end: to, text });
  state.columns.set(line, edits);
  const original = ops.lines[line - 1] ?? '';
  let next = '';
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    next += original.slice(at, edit.start) + edit.text;
    at = Math.max(at, edit.end);
  }
  next += original.slice(at);
  const current = state.current.get(line) ?? original;
  state.current.set(line, next);
  if (current !== next) ops.substitute(line, current, next);
}

/**
 * How many columns a level of nesting takes where the target is (else in its document, else anywhere
 * in the file): the offset of a block mapping's keys from the key holding it. Undefined when nothing
 * is nested.
 */
function indentUnit(parsed: Parsed, near: YAMLMap): number | undefined {
  let found: number | undefined;
  const visit = (node: unknown, depth: number): void => {
    if (found !== undefined || depth > 100 || !isMap(node) || node.flow === true) return;
    for (const pair of node.items) {
      const value = pair.value;
      const inner = isMap(value) && value.flow !== true ? value.items[0] : undefined;
      const keyStart = (pair.key as YamlNode | null)?.range?.[0];
      const innerStart = (inner?.key as YamlNode | null | undefined)?.range?.[0];
      if (keyStart !== undefined && innerStart !== undefined && lineAt(parsed, innerStart) > lineAt(parsed, keyStart)) {
        const unit = columnAt(parsed, innerStart) - columnAt(parsed, keyStart);
        if (unit > 0) {
          found = unit;
          return;
        }
      }
      visit(value, depth + 1);
      if (isSeq(value)) for (const item of value.items) visit(item, depth + 1);
    }
  };
  // the target's own mapping, then its document, then the others (documents may be indented differently)
  const at = near.range?.[0] ?? 0;
  const own = parsed.docs.filter((d) => d.range[0] <= at && at < d.range[2]);
  visit(near, 0);
  for (const doc of [...own, ...parsed.docs]) visit(doc.contents, 0);
  return found;
}

/**
 * Lines `start..end` (1-based) of the change, shifted so the first sits at column `column`, nested
 * levels indented by the file's unit (when the change holds no block list or block scalar, whose
 * layout a rescale would break; they keep the change's own).
 */
function block(merge: Merge, start: number, end: number, column: number): string[] {
  const slice = merge.patch.text.split('\n').slice(start - 1, end);
  const base = minOf(slice.filter((l) => l.trim() !== '').map(indentOf));
  const rescale = merge.unit !== merge.patchUnit && !slice.some((l) => /^\s*-(\s|$)/.test(l) || /:\s*[|>][-+0-9]*\s*(#.*)?$/.test(l));
  return slice.map((l) => {
    if (l.trim() === '') return '';
    const depth = indentOf(l) - base;
    const indent = rescale && depth % merge.patchUnit === 0 ? (depth / merge.patchUnit) * merge.unit : depth;
    return `${' '.repeat(column + indent)}${l.trimStart()}`;
  });
}
