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
