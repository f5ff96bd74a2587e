import { randomBytes } from 'node:crypto';

/**
 * Colour for severities and statuses in the tables. A renderer never writes an escape sequence:
 * it writes a mark holding a nonce drawn when the process starts, which no input can know, and
 * the CLI's terminal guard turns marks into SGR codes only *after* escaping every control
 * character of the text (`unmark`). Input that carries its own `ESC[31m` is shown escaped; input
 * that imitates a mark without the nonce stays text.
 */
const nonce = randomBytes(12).toString('hex');

/** A mark: `U+E000 nonce SGR-parameters U+E001` (private-use characters, never printed as such). */
const mark = (sgr: string): string => `\u{E000}${nonce}${sgr}\u{E001}`;
const marks = new RegExp(`\u{E000}${nonce}([0-9;]*)\u{E001}`, 'gu');

const reset = mark('0');

/** SGR parameters of the words the tables colour: severities, control statuses, admission results. */
const styles: Readonly<Record<string, string>> = {
  CRITICAL: '1;31',
  HIGH: '31',
  MEDIUM: '33',
  LOW: '34',
  UNKNOWN: '90',
  MET: '32',
  PARTIAL: '33',
  GAP: '31',
  ACCEPTED: '36',
  DENIED: '31',
  allowed: '32',
};

/**
 * A table cell (already escaped) with its leading word coloured when it is one of ours (`HIGH 7.5`
 * colours `HIGH`); anything else as it is. Marks take no column: widths are measured without them.
 */
export function colourWord(cell: string): string {
  const word = /^[A-Za-z]+/.exec(cell)?.[0];
  const style = word === undefined || (cell.length > word.length && cell[word.length] !== ' ') ? undefined : styles[word];
  return style === undefined ? cell : `${mark(style)}${word}${reset}${cell.slice((word ?? '').length)}`;
}

/** Text with its colour marks made SGR codes (`on`) or removed; to run on text already made terminal-safe. */
export function unmark(text: string, on: boolean): string {
  return text.includes('\u{E000}') ? text.replace(marks, (_, sgr: string) => (on ? `\x1b[${sgr}m` : '')) : text;
}
