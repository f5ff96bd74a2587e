import type { CliIo } from './io.js';

/**
 * The width tables are fitted to: `COLUMNS` when it is a positive whole number (for stdout or a
 * file alike); else the terminal's width when the text goes to a terminal that reports one; else no
 * limit (`Infinity`): a pipe, a file or a terminal reporting 0 columns gets every character.
 */
export function outputWidth(io: CliIo, output?: string): number {
  const columns = io.env.COLUMNS?.trim();
  if (columns && /^\d+$/.test(columns) && Number(columns) > 0) return Number(columns);
  const toTerminal = output === undefined || output === '-';
  const terminal = io.stdout.columns;
  return toTerminal && io.stdout.isTTY && terminal !== undefined && terminal > 0 ? terminal : Number.POSITIVE_INFINITY;
}

/** What decides colour: `--no-color` (commander's `color: false`) and where the text goes. */
export interface ColorChoice {
  color?: boolean | undefined;
  output?: string | undefined;
}

/**
 * Whether tables get colour: never with `--no-color`, a non-empty `NO_COLOR` (no-color.org) or
 * into a file; always with a non-empty `FORCE_COLOR` other than `0`; else only when stdout is a
 * terminal (a pipe gets plain text).
 */
export function wantsColor(io: CliIo, choice: ColorChoice): boolean {
  if (choice.color === false || io.env.NO_COLOR) return false;
  if (choice.output !== undefined && choice.output !== '-') return false;
  const force = io.env.FORCE_COLOR;
  if (force && force !== '0') return true;
  return io.stdout.isTTY === true;
}
