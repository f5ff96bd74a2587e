import type { Diagnostic } from '../core/diagnostics.js';
import { escapeControls } from '../core/format.js';
import { ExitCode, type CliIo } from './io.js';

/** How many unread inputs are named one by one; the rest are counted. */
const namedAtMost = 20;

/**
 * Fails closed: a gate never passes on input it could not read. Each `unread` diagnostic (an input
 * or part of one that could not be read or checked) is named on stderr as `shipshape: error:
 * file:line: …`, and the exit code becomes 2 whatever `exitCode` was; the report already written
 * still shows what could be read.
 */
export function failClosed(io: CliIo, unread: readonly Diagnostic[], exitCode: number): number {
  if (unread.length === 0) return exitCode;
  for (const d of unread.slice(0, namedAtMost))
    io.stderr.write(`shipshape: error: ${d.where === undefined ? '' : `${escapeControls(d.where)}: `}${escapeControls(d.message)}\n`);
  if (unread.length > namedAtMost) io.stderr.write(`shipshape: error: … and ${unread.length - namedAtMost} more\n`);
  io.stderr.write('  hint: the result covers only what could be read and checked; fix or leave out what is named above\n');
  return ExitCode.error;
}

/** A warning on stderr, `shipshape: warning: …`, on one line: the input text in it escaped. */
export function warn(io: CliIo, message: string): void {
  io.stderr.write(`shipshape: warning: ${escapeControls(message)}\n`);
}
