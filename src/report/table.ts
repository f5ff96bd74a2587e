import type { Diagnostic } from '../core/diagnostics.js';
import { escapeControls } from '../core/format.js';
import { maxOf } from '../core/collections.js';
import { colourWord } from './colour.js';
/**
 * How a column may be fitted to the width:
 * - `id`: never shortened (ids, counts, versions, image references with tag or digest);
 * - `path`: shortened in the middle, keeping the first segment and the file name with its `:line`
 *   (`apps/…/deep/Dockerfile:25`), never below `…/Dockerfile:25`;
 * - `text`: free text, cut with `…` (whitespace runs become one space).
 */
export type ColumnKind = 'id' | 'path' | 'text';

export interface TableOptions {
  /** Width to fit, in characters; `Infinity` (a pipe, a file) shortens nothing. */
  width: number;
  align?: readonly ('left' | 'right')[];
  /** Per column; by default every column is `id` but the last, which is `text`. */
  kinds?: readonly ColumnKind[];
  /** Colour the words of the SEVERITY, STATUS and RESULT columns (a terminal that wants colour). */
  color?: boolean | undefined;
}

/** The columns whose leading word (`HIGH`, `GAP`, `DENIED`) is coloured. */
const colouredHeaders = new Set(['SEVERITY', 'STATUS', 'RESULT']);

/** The narrowest a `text` column is made, so that some of it is still readable. */
const minTextWidth = 10;

/**
 * A plain-text table: a header row, then rows, columns separated by two spaces. When the natural
 * widths do not fit, only `path` and `text` columns give way, sharing the room left evenly; `id`
 * columns are never cut, so a line may be wider than `width` rather than lose one.
 */
export function renderTable(headers: readonly string[], rows: readonly string[][], options: TableOptions): string {
  const last = headers.length - 1;
  const kinds = headers.map((_, column) => options.kinds?.[column] ?? (column === last ? 'text' : 'id'));
  const cells = rows.map((row) => headers.map((_, column) => printable(row[column] ?? '', kinds[column] ?? 'id')));
  const heads = headers.map((header) => printable(header, 'id'));
  const natural = heads.map((header, column) => Math.max(length(header), maxOf(cells.map((row) => length(row[column] ?? '')))));
  const widths = fit(natural, kinds, heads, cells, options.width);
  const line = (row: readonly string[], isHeader: boolean): string =>
    row
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        const kind = kinds[column] ?? 'id';
        const text = isHeader || kind === 'id' ? cell : kind === 'path' ? shortenPath(cell, width) : cut(cell, width);
        // padded by the text as printed: the colour marks take no column
        const pad = ' '.repeat(Math.max(0, width - length(text)));
        const shown = options.color && !isHeader && colouredHeaders.has(headers[column] ?? '') ? colourWord(text) : text;
        if (options.align?.[column] === 'right') return pad + shown;
        return column === last ? shown : shown + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(heads, true), ...cells.map((row) => line(row, false))].join('\n');
}

/** Column widths: natural when they fit, else `path`/`text` columns shrink (never below their minimum). */
function fit(natural: readonly number[], kinds: readonly ColumnKind[], heads: readonly string[], cells: readonly string[][], width: number): number[] {
  const total = natural.reduce((sum, w) => sum + w, 0) + 2 * Math.max(0, natural.length - 1);
  if (!(width < total)) return [...natural];
  const widths = [...natural];
  const shrinkable = kinds.flatMap((kind, column) => (kind === 'id' ? [] : [column]));
  const minimum = (column: number): number => {
    const floor = length(heads[column] ?? '');
    if (kinds[column] === 'text') return Math.min(natural[column] ?? 0, Math.max(floor, minTextWidth));
    return Math.max(floor, maxOf(cells.map((row) => length(shortestPath(row[column] ?? '')))));
  };
  for (const column of shrinkable) widths[column] = minimum(column);
  let left = width - widths.reduce((sum, w) => sum + w, 0) - 2 * Math.max(0, widths.length - 1);
  // share what is left evenly, a column never wider than its content; each round closes a column or uses everything
  let open = shrinkable.filter((column) => (widths[column] ?? 0) < (natural[column] ?? 0));
  while (left > 0 && open.length > 0) {
    const share = Math.max(1, Math.floor(left / open.length));
    for (const column of open) {
      const add = Math.min(share, (natural[column] ?? 0) - (widths[column] ?? 0), left);
      widths[column] = (widths[column] ?? 0) + add;
      left -= add;
    }
    open = open.filter((column) => (widths[column] ?? 0) < (natural[column] ?? 0));
  }
  return widths;
}

/** Shortens text to `width` characters with an ellipsis; whitespace runs become one space, control characters `\xNN`. */
export function truncate(text: string, width: number): string {
  const flat = printable(text, 'text');
  return cut(flat, width);
}

function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * Breaks text into lines of at most `width` characters at spaces; nothing is dropped (a word longer
 * than `width` gets a line of its own).
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of printable(text).split(' ')) {
    if (current && length(current) + 1 + length(word) > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  return [...lines, current];
}

/**
 * Shortens a path in the middle to fit `width`: the first segment and as many trailing ones as fit
 * stay, the file name (with its `:line`) always does — a path whose file name alone is wider than
 * `width` comes back as `…/name`, wider than asked rather than cut.
 */
export function shortenPath(text: string, width: number): string {
  if (length(text) <= width) return text;
  const parts = text.split('/');
  if (parts.length < 3) return shortestPath(text);
  const head = parts[0] ?? '';
  const middle = parts.slice(1, -1);
  const name = parts[parts.length - 1] ?? '';
  const candidate = (withHead: boolean, kept: number): string =>
    `${withHead && head ? `${head}/` : ''}…/${[...middle.slice(middle.length - kept), name].join('/')}`;
  for (const withHead of [true, false]) {
    for (let kept = middle.length - 1; kept >= 0; kept--) {
      const shortened = candidate(withHead, kept);
      if (length(shortened) <= width) return shortened;
    }
  }
  return shortestPath(text);
}

/** The shortest form `shortenPath` gives: `…/name`, or the text itself when that is not shorter. */
function shortestPath(text: string): string {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return text;
  const shortest = `…/${text.slice(slash + 1)}`;
  return length(shortest) < length(text) ? shortest : text;
}

/**
 * What a terminal is shown of a value: control characters (escape sequences, newlines in hostile
 * input) as `\xNN`, never raw; free text has its whitespace runs made one space first.
 */
export function printable(text: string, kind: ColumnKind = 'text'): string {
  return escapeControls(kind === 'text' ? text.replace(/\s+/g, ' ') : text);
}

/** A diagnostic on one line of text output (`warning: message (where)`), control characters and line breaks escaped. */
export function diagnosticLine(d: Diagnostic): string {
  return printable(`${d.level}: ${d.message}${d.where ? ` (${d.where})` : ''}`);
}

/** Length in code points: an emoji or other astral character is one column, never split in two. */
function length(text: string): number {
  return [...text].length;
}
