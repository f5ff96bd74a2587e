import { describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { outputWidth } from './width.js';

const io = (env: Record<string, string>, stdout: { isTTY?: boolean; columns?: number } = {}): CliIo => ({
  stdout: { write: () => true, ...stdout },
  stderr: { write: () => true },
  env,
  readStdin: async () => '',
  homedir: '/nonexistent',
  cwd: '/nonexistent',
});

describe('outputWidth', () => {
  it('COLUMNS first, for a terminal, a pipe or a file', () => {
    expect(outputWidth(io({ COLUMNS: '72' }, { isTTY: true, columns: 200 }))).toBe(72);
    expect(outputWidth(io({ COLUMNS: '72' }))).toBe(72);
    expect(outputWidth(io({ COLUMNS: ' 72 ' }), 'out.txt')).toBe(72);
  });

  it('else the terminal width, when writing to the terminal', () => {
    expect(outputWidth(io({}, { isTTY: true, columns: 97 }))).toBe(97);
    expect(outputWidth(io({}, { isTTY: true, columns: 97 }), '-')).toBe(97);
    expect(outputWidth(io({}, { isTTY: true, columns: 97 }), 'report.txt')).toBe(Number.POSITIVE_INFINITY);
  });

  it('else no limit: a pipe, a terminal reporting 0 columns, a COLUMNS that is not a positive number', () => {
    expect(outputWidth(io({}))).toBe(Number.POSITIVE_INFINITY);
    expect(outputWidth(io({}, { isTTY: true, columns: 0 }))).toBe(Number.POSITIVE_INFINITY);
    expect(outputWidth(io({}, { isTTY: true }))).toBe(Number.POSITIVE_INFINITY);
    for (const columns of ['0', '', 'wide', '-80', '80x']) expect(outputWidth(io({ COLUMNS: columns }))).toBe(Number.POSITIVE_INFINITY);
  });
});
