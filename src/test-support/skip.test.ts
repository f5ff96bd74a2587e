import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandMissing, fileMissing, hasCommand, skipWhen } from './skip.js';

describe('skipWhen', () => {
  it('runs without a reason; skips with the first reason given, kept in the meta', () => {
    expect(skipWhen()).toEqual({});
    expect(skipWhen(undefined, undefined)).toEqual({});
    expect(skipWhen(undefined, 'no tool', 'no data')).toEqual({ skip: true, meta: { skipReason: 'no tool' } });
  });
});

describe('what a test needs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-skip-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a command: found on PATH, or named with the Debian package that has it', () => {
    expect(commandMissing('sh')).toBeUndefined();
    expect(commandMissing('shipshape-no-such-tool', 'shipshape-tools')).toBe('shipshape-no-such-tool is not installed (apt-get install shipshape-tools)');
  });

  it('a command name is never run as shell text', () => {
    const marker = path.join(dir, 'ran');
    expect(hasCommand(`sh; touch ${marker}`)).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });

  it('a file: there, or named with where it was looked for', () => {
    expect(fileMissing(dir, 'the temp dir')).toBeUndefined();
    expect(fileMissing(path.join(dir, 'nope'), 'the thing', 'thing-pkg')).toBe(`the thing not found at ${path.join(dir, 'nope')} (apt-get install thing-pkg)`);
  });
});
