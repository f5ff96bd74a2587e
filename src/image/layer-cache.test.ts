import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Diagnostics } from '../core/diagnostics.js';
import type { LayerScan } from './layer/entry.js';
import { LayerCache } from './layer-cache.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scan: LayerScan = {
  diffId: `sha256:${'a'.repeat(64)}`,
  uncompressedSize: 1024,
  entries: [{ path: '/etc/passwd', type: 'file', size: 10, mode: 0o644, uid: 0, gid: 0 }],
  whiteouts: ['/tmp/x'],
  opaqueDirs: [],
  warnings: [],
  analyses: [],
};

const blob = `sha256:${'c'.repeat(64)}`;
const other = `sha256:${'b'.repeat(64)}`;

describe('LayerCache', () => {
  it('returns what was put only for the blob digest and diffID it was verified with', async () => {
    const cache = new LayerCache(dir, new Diagnostics());
    await cache.put(blob, scan);
    expect(await cache.get(blob, scan.diffId)).toEqual(scan);
    expect(await cache.get(blob, other)).toBeUndefined();
    // another blob claiming this layer's diffID finds nothing: its own bytes have to be read
    expect(await cache.get(other, scan.diffId)).toBeUndefined();
  });

  it('treats a corrupt entry as a miss with a diagnostic, and removes it', async () => {
    const diagnostics = new Diagnostics();
    const cache = new LayerCache(dir, diagnostics);
    await cache.put(blob, scan);
    const [shard] = await readdir(path.join(dir, 'layers'));
    const [file] = await readdir(path.join(dir, 'layers', shard ?? ''));
    await writeFile(path.join(dir, 'layers', shard ?? '', file ?? ''), 'not gzip');
    expect(await cache.get(blob, scan.diffId)).toBeUndefined();
    expect(diagnostics.items.map((d) => d.code)).toEqual(['cache.corrupt']);
    expect(await readdir(path.join(dir, 'layers', shard ?? ''))).toEqual([]);
  });

  it('keeps working, with a diagnostic, when the cache directory cannot be written', async () => {
    const blocked = path.join(dir, 'blocked');
    await writeFile(blocked, 'a file where the cache directory should be');
    const diagnostics = new Diagnostics();
    await new LayerCache(blocked, diagnostics).put(blob, scan);
    expect(diagnostics.items.map((d) => d.code)).toEqual(['cache.unwritable']);
  });
});
