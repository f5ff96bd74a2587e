/* eslint-disable no-control-regex -- these tests look for escape sequences */
import { describe, expect, it } from 'vitest';
import { guardIo } from '../cli/terminal.js';
import type { CliIo } from '../cli/io.js';
import { unmark } from './colour.js';
import { renderTable } from './table.js';

/** What a terminal receives of `text` written through the CLI's guard. */
const onTerminal = (text: string): string => {
  let out = '';
  const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true }, env: {}, readStdin: async () => '', homedir: '/', cwd: '/' };
  guardIo(io).stdout.write(text);
  return out;
};

describe('colour in tables', () => {
  const rows = [
    ['CRITICAL 9.8', 'CVE-1', 'openssl'],
    ['HIGH\x1b[31m', 'CVE-2', 'evil\x1b]0;title\x07'],
    ['\u{E000}000000000000000000000000031\u{E001}LOW', 'CVE-3', 'forged mark'],
    ['MEDIUM', 'CVE-4', 'zlib'],
  ];

  it('colours our severity words only, after the input is escaped; the input never gets an escape through', () => {
    const shown = onTerminal(renderTable(['SEVERITY', 'ID', 'PACKAGE'], rows, { width: 200, color: true }));
    expect(shown).toContain('\x1b[1;31mCRITICAL\x1b[0m 9.8');
    expect(shown).toContain('\x1b[33mMEDIUM\x1b[0m');
    // the hostile cell: escaped, and not coloured (HIGH is not a word of its own there)
    expect(shown).toContain('HIGH\\x1b[31m');
    expect(shown).toContain('evil\\x1b]0;title\\x07');
    // every escape on the terminal is one of our four SGR codes
    expect(shown.match(/\x1b/g)).toHaveLength(4);
    expect(shown.match(/\x1b\[[0-9;]*m/g)).toEqual(['\x1b[1;31m', '\x1b[0m', '\x1b[33m', '\x1b[0m']);
  });

  it('column widths ignore the colour codes: without them the table is the plain one', () => {
    const plain = renderTable(['SEVERITY', 'ID', 'PACKAGE'], rows, { width: 30 });
    const coloured = onTerminal(renderTable(['SEVERITY', 'ID', 'PACKAGE'], rows, { width: 30, color: true }));
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(onTerminal(plain));
    expect(unmark(renderTable(['SEVERITY', 'ID', 'PACKAGE'], rows, { width: 30, color: true }), false)).toBe(plain);
  });

  it('colours control statuses and admission results; never the header, never other columns', () => {
    const shown = onTerminal(
      renderTable(
        ['RESULT', 'STATUS', 'WHY'],
        [
          ['DENIED', 'GAP', 'HIGH'],
          ['allowed', 'MET', 'CRITICAL'],
        ],
        { width: 80, color: true },
      ),
    );
    expect(shown.split('\n')[0]).toBe('RESULT   STATUS  WHY');
    expect(shown).toContain('\x1b[31mDENIED\x1b[0m   \x1b[31mGAP\x1b[0m     HIGH');
    expect(shown).toContain('\x1b[32mallowed\x1b[0m  \x1b[32mMET\x1b[0m     CRITICAL');
  });
});
