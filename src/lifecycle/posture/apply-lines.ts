/**
 * Line operations on one file, all placed against the file as it was read: lines inserted before
 * or after a line, text substituted on a line. Rendering applies them together, so edits found
 * independently never shift each other's lines.
 */
import { ShipshapeError } from '../../core/errors.js';
import { pushAll } from '../../core/collections.js';

/** 1-based first and last line of a step, statement or list item. */
export interface LineRange {
  start: number;
  end: number;
}

/** A proposed edit that does not fit the file (it changed since it was read, or has another shape). */
export class EditError extends ShipshapeError {
  constructor(file: string, reason: string) {
    super('E_UNSUPPORTED', `cannot apply the change to ${file}: ${reason}`, { hint: 'make the change by hand, as the report shows it' });
  }
}

export class LineOps {
  /** Inserted blocks of lines by the index of the line they go before (0 … length). */
  private readonly inserts = new Map<number, string[][]>();
  private readonly substitutes = new Map<number, { find: string; replace: string }[]>();

  constructor(
    readonly lines: readonly string[],
    private readonly file: string,
  ) {}

  private check(line: number): void {
    if (!Number.isInteger(line) || line < 1 || line > this.lines.length) throw new EditError(this.file, `it has no line ${line}`);
  }

  /** Lines before line `line` (1-based; `length + 1`: at the end). */
  insertBefore(line: number, lines: readonly string[]): void {
    if (line !== this.lines.length + 1) this.check(line);
    const at = line - 1;
    this.inserts.set(at, [...(this.inserts.get(at) ?? []), [...lines]]);
  }

  /** Lines after line `line` (0: at the top). */
  insertAfter(line: number, lines: readonly string[]): void {
    if (line !== 0) this.check(line);
    this.insertBefore(line + 1, lines);
  }

  /** The first `find` on line `line` replaced by `replace` (after the substitutions before it). */
  substitute(line: number, find: string, replace: string): void {
    this.check(line);
    const current = this.apply(line - 1, this.lines[line - 1] ?? '');
    if (find === '' || !current.includes(find)) throw new EditError(this.file, `line ${line} does not hold ${JSON.stringify(find)}`);
    this.substitutes.set(line - 1, [...(this.substitutes.get(line - 1) ?? []), { find, replace }]);
  }

  private apply(index: number, text: string): string {
    let out = text;
    for (const s of this.substitutes.get(index) ?? []) out = out.replace(s.find, () => s.replace);
    return out;
  }

  render(): string[] {
    const out: string[] = [];
    for (let i = 0; i <= this.lines.length; i++) {
      // blocks ending the same place: the more indented closes the inner structure, so it goes first
      const blocks = [...(this.inserts.get(i) ?? [])].sort((a, b) => indentOf(b) - indentOf(a));
      pushAll(out, blocks.flat());
      if (i < this.lines.length) out.push(this.apply(i, this.lines[i] ?? ''));
    }
    return out;
  }
}

/** The indentation of a block's first line with content. */
function indentOf(block: readonly string[]): number {
  const first = block.find((l) => l.trim() !== '') ?? '';
  return first.length - first.trimStart().length;
}
