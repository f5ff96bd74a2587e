import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PostureReport, ProposedChange } from '../lifecycle/posture/model.js';
import { attachPatches, writeFixes, type FixPlan } from './fix.js';

describe('writeFixes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-write-fixes-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const planFor = (files: { name: string; before: string | undefined; after: string }[]): FixPlan => ({
    changes: [],
    files: files.map((f) => ({ path: path.join(dir, f.name), display: f.name, before: f.before, after: f.after })),
    patch: '',
  });

  it('writes every file, new ones too', async () => {
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM a\n');
    expect(
      await writeFixes(
        planFor([
          { name: 'Dockerfile', before: 'FROM a\n', after: 'FROM a\nUSER 10001\n' },
          { name: '.dockerignore', before: undefined, after: '.git\n' },
        ]),
      ),
    ).toEqual(['Dockerfile', '.dockerignore']);
    expect(await readFile(path.join(dir, 'Dockerfile'), 'utf8')).toBe('FROM a\nUSER 10001\n');
    expect(await readFile(path.join(dir, '.dockerignore'), 'utf8')).toBe('.git\n');
  });

  it('writes nothing when one file changed since it was read, or a new file appeared meanwhile', async () => {
    await writeFile(path.join(dir, 'a.yaml'), 'a: 1\n');
    await writeFile(path.join(dir, 'b.yaml'), 'b: 2 # edited by someone meanwhile\n');
    await expect(
      writeFixes(
        planFor([
          { name: 'a.yaml', before: 'a: 1\n', after: 'a: 2\n' },
          { name: 'b.yaml', before: 'b: 2\n', after: 'b: 3\n' },
        ]),
      ),
    ).rejects.toThrow(/b\.yaml changed since it was read: nothing was written/);
    expect(await readFile(path.join(dir, 'a.yaml'), 'utf8')).toBe('a: 1\n');
    await expect(writeFixes(planFor([{ name: 'a.yaml', before: undefined, after: 'new\n' }]))).rejects.toThrow(/a\.yaml changed since it was read/);
  });

  it('makes no patch for a file whose name could smuggle lines into the diff (a newline in a repository name)', async () => {
    const hostile = 'evil\n+++ b/etc/passwd/Dockerfile';
    const change = (file: string): ProposedChange => ({
      summary: 'add a USER',
      file,
      line: 1,
      snippet: undefined,
      edits: [{ kind: 'insert', file, line: 1, position: 'after', text: 'USER 10001' }],
      nodes: [],
    });
    const [evil, fine] = [change(hostile), change('Dockerfile')];
    const report = { controls: [{ control: { id: 'SS-CTL-B04' }, status: 'gap', changes: [evil, fine] }] } as unknown as PostureReport;
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM a\n');
    // the hostile name is a real file: only its name stands in the way
    await mkdir(path.dirname(path.join(dir, hostile)), { recursive: true });
    await writeFile(path.join(dir, hostile), 'FROM a\n');
    await attachPatches(report, { base: dir, locate: (file) => path.join(dir, file) });
    expect(evil.patch).toBeUndefined();
    expect(fine.patch).toContain('+USER 10001');
  });
});
