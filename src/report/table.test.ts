import { describe, expect, it } from 'vitest';
import { renderTable, shortenPath, truncate, wrap } from './table.js';

const deep = '/home/someone/checkouts/a-rather-long-directory-name/shared/images/recipes/bullseye-app/Dockerfile:25';
const rows = [
  ['HIGH', 'SS-DF-003', deep, 'the image runs as root: no USER instruction sets a non-root user before the end of the stage'],
  ['LOW', 'SS-DF-014', 'Dockerfile:3', 'apt-get install without --no-install-recommends'],
];
const kinds = ['id', 'id', 'path', 'text'] as const;
const render = (width: number): string[] => renderTable(['SEVERITY', 'RULE', 'WHERE', 'FINDING'], rows, { width, kinds }).split('\n');

describe('renderTable', () => {
  it('shortens nothing without a width (a pipe, a file)', () => {
    const lines = render(Number.POSITIVE_INFINITY);
    expect(lines[1]).toContain(deep);
    expect(lines[1]).toMatch(/before the end of the stage$/);
  });

  it('fits the width by shortening paths in the middle and cutting free text; ids, file names and :line stay', () => {
    for (const width of [120, 80, 60]) {
      const lines = render(width);
      expect(lines.every((line) => line.length <= width)).toBe(true);
      expect(lines[1]).toMatch(/^HIGH {6}SS-DF-003 {2}(?:\/?\S*)…\/(?:\S+\/)?Dockerfile:25 +the image/);
      expect(lines[2]).toMatch(/^LOW {7}SS-DF-014 {2}Dockerfile:3 +apt-get/);
    }
    expect(render(80)[1]).toContain('…/bullseye-app/Dockerfile:25');
  });

  it('keeps the first segment of a relative path, and a place that is not only a path', () => {
    expect(shortenPath('apps/payments/api/deploy/Dockerfile:12', 30)).toBe('apps/…/deploy/Dockerfile:12');
    expect(shortenPath('layer 3: /opt/leaked/deep/credentials.txt (line 2)', 45)).toBe('layer 3: /…/deep/credentials.txt (line 2)');
    expect(shortenPath('Dockerfile:12', 5)).toBe('Dockerfile:12');
    expect(shortenPath('/a/very-long-file-name.yaml:9', 10)).toBe('…/very-long-file-name.yaml:9');
  });

  it('is wider than asked rather than cut an id, a count or a file name', () => {
    const table = renderTable(
      ['IMAGE', 'TAGS', 'VULNS', 'WHERE', 'WHY'],
      [['registry.example.com/team/app@sha256:0123456789ab', '1.0,1.1,latest', '12/3/0/1', '/x/y/z/quite-a-long-file-name.yaml:120', 'a reason']],
      {
        width: 20,
        kinds: ['id', 'id', 'id', 'path', 'text'],
      },
    );
    const row = table.split('\n')[1] ?? '';
    for (const kept of ['registry.example.com/team/app@sha256:0123456789ab', '1.0,1.1,latest', '12/3/0/1', '…/quite-a-long-file-name.yaml:120'])
      expect(row).toContain(kept);
  });

  it('shares the room among several free-text columns, each at least ten wide', () => {
    const table = renderTable(
      ['ID', 'TITLE', 'WHY'],
      [['SS-CTL-B01', 'Images are scanned before they are pushed', 'no pipeline runs a scanner between its build and its push of the image']],
      { width: 60, kinds: ['id', 'text', 'text'] },
    );
    const [, row] = table.split('\n');
    expect(row?.length).toBeLessThanOrEqual(60);
    expect(row).toMatch(/^SS-CTL-B01 {2}Images are scanned be\S*… {2}no pipeline runs a \S*…$/);
  });

  it('right-aligns columns asked to, and the last column is not padded', () => {
    expect(
      renderTable(
        ['ID', 'N', 'NAME'],
        [
          ['1', '12', 'a'],
          ['20', '3', 'bb'],
        ],
        { width: Number.POSITIVE_INFINITY, align: ['right', 'right', 'left'] },
      ),
    ).toBe('ID   N  NAME\n 1  12  a\n20   3  bb');
  });

  it('never writes a control character: escape sequences and newlines of hostile input are shown escaped', () => {
    const table = renderTable(['PATH', 'TITLE'], [['/opt/\u001b[31mred', 'line one\nline two\u0007']], {
      width: Number.POSITIVE_INFINITY,
      kinds: ['path', 'text'],
    });
    // eslint-disable-next-line no-control-regex -- looking for them is the test
    expect(table).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(table).toContain('/opt/\\x1b[31mred');
    expect(table).toContain('line one line two\\x07');
    expect(truncate('\u001b]0;title\u0007', 80)).toBe('\\x1b]0;title\\x07');
  });

  it('counts an astral character as one and never splits it', () => {
    expect(truncate('🐳🐳🐳🐳', 3)).toBe('🐳🐳…');
  });
});

describe('wrap', () => {
  it('breaks at spaces and drops nothing', () => {
    const text = 'Lifecycle map: 4 repositories, 4 pipelines, 3 Dockerfiles; 7 breaks, 6 unknowns';
    const lines = wrap(text, 40);
    expect(lines.every((line) => line.length <= 40)).toBe(true);
    expect(lines.join(' ')).toBe(text);
    expect(wrap('a-word-longer-than-the-width b', 10)).toEqual(['a-word-longer-than-the-width', 'b']);
  });
});
