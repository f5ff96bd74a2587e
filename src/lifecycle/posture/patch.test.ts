import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandMissing, skipWhen } from '../../test-support/skip.js';
import { unifiedDiff } from './patch.js';

describe('unifiedDiff', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-patch-'));
    await mkdir(path.join(dir, 'app'));
    await writeFile(path.join(dir, 'app/Dockerfile'), 'FROM debian:12\nRUN make\nCMD ["app"]\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const changed = 'FROM debian:12\nRUN make\nUSER 10001\nCMD ["app"]\n';
  const patchOf = (): string =>
    unifiedDiff('app/Dockerfile', 'FROM debian:12\nRUN make\nCMD ["app"]\n', changed) + unifiedDiff('app/.dockerignore', undefined, '.git\n');

  it('is empty when nothing changed', () => {
    expect(unifiedDiff('a', 'x\n', 'x\n')).toBe('');
  });

  it('applies with git apply from the directory the paths are relative to, new files included', skipWhen(commandMissing('git')), async () => {
    await writeFile(path.join(dir, 'fix.patch'), patchOf());
    execFileSync('git', ['apply', '--check', 'fix.patch'], { cwd: dir });
    execFileSync('git', ['apply', 'fix.patch'], { cwd: dir });
    expect(await readFile(path.join(dir, 'app/Dockerfile'), 'utf8')).toBe(changed);
    expect(await readFile(path.join(dir, 'app/.dockerignore'), 'utf8')).toBe('.git\n');
  });

  it('applies with patch -p1', skipWhen(commandMissing('patch')), async () => {
    execFileSync('patch', ['-p1', '--quiet'], { cwd: dir, input: patchOf() });
    expect(await readFile(path.join(dir, 'app/Dockerfile'), 'utf8')).toBe(changed);
    expect(await readFile(path.join(dir, 'app/.dockerignore'), 'utf8')).toBe('.git\n');
  });
});
