import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';

// A checkout or data directory deep in the file system must not change what the tables keep.
describe('tables from a deep directory', () => {
  let dir: string;
  let dockerfile: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-table-width-'));
    const deep = path.join(dir, ...Array.from({ length: 6 }, (_, i) => `a-directory-with-a-rather-long-name-${i}`));
    await mkdir(deep, { recursive: true });
    dockerfile = path.join(deep, 'Dockerfile');
    await writeFile(dockerfile, 'FROM debian:12\nRUN echo hello\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('piped: every character of file:line, whatever its length', async () => {
    const { stdout } = await runCli(['dockerfile', 'lint', dockerfile]);
    expect(dockerfile.length).toBeGreaterThan(200);
    expect(stdout).toMatch(new RegExp(`SS-DF-003 +${dockerfile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1 +\\S`));
  });

  it('COLUMNS=80: the path is shortened in the middle, the rule id, the file name and the line are kept', async () => {
    const { stdout } = await runCli(['dockerfile', 'lint', dockerfile], { env: { COLUMNS: '80' } });
    const lines = stdout.trimEnd().split('\n');
    expect(lines.every((line) => line.length <= 80)).toBe(true);
    expect(stdout).toMatch(/SS-DF-003 +(?:\/)?…\/(?:\S+\/)?Dockerfile:1 +\S/);
  });
});
