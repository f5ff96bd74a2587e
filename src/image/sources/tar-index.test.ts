import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../core/limits.js';
import { commandMissing, skipWhen } from '../../test-support/skip.js';
import { TarIndex } from './tar-index.js';

let dir: string;
const longName = `${'deep/'.repeat(30)}file.txt`; // 158 bytes: needs a GNU or PAX long name

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-tarindex-'));
  await mkdir(path.join(dir, 'src', path.dirname(longName)), { recursive: true });
  await writeFile(path.join(dir, 'src', longName), 'long');
  await writeFile(path.join(dir, 'src', 'small.json'), '{"a":1}');
  await symlink('small.json', path.join(dir, 'src', 'alias.json'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TarIndex on archives written by GNU tar', skipWhen(commandMissing('tar')), () => {
  it.each(['gnu', 'pax', 'ustar'])('indexes members of a %s archive, long names and symlinks included', async (format) => {
    const file = path.join(dir, `${format}.tar`);
    const members = format === 'ustar' ? ['small.json', 'alias.json'] : ['small.json', 'alias.json', longName];
    const result = spawnSync('tar', [`--format=${format}`, '-cf', file, '-C', path.join(dir, 'src'), ...members]);
    expect(result.status, result.stderr.toString()).toBe(0);
    const index = await TarIndex.build(file, defaultLimits);
    expect((await index.readMember('./small.json', 100)).toString()).toBe('{"a":1}');
    expect((await index.readMember('alias.json', 100)).toString()).toBe('{"a":1}');
    if (format !== 'ustar') expect(await text(index.openMember(longName))).toBe('long');
    await expect(index.readMember('small.json', 3)).rejects.toMatchObject({ code: 'E_LIMIT' });
    expect(index.has('absent')).toBe(false);
  });

  it('refuses a gzip-compressed archive with a hint', async () => {
    const file = path.join(dir, 'packed.tar.gz');
    spawnSync('tar', ['-czf', file, '-C', path.join(dir, 'src'), 'small.json']);
    await expect(TarIndex.build(file, defaultLimits)).rejects.toMatchObject({ code: 'E_UNSUPPORTED', hint: expect.stringContaining('gunzip') });
  });

  it('bounds the number of members', async () => {
    const file = path.join(dir, 'many.tar');
    spawnSync('tar', ['-cf', file, '-C', path.join(dir, 'src'), 'small.json', 'alias.json']);
    await expect(TarIndex.build(file, { ...defaultLimits, maxEntries: 1 })).rejects.toMatchObject({ code: 'E_LIMIT' });
  });
});
