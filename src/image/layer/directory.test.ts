import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../core/limits.js';
import { skipWhen } from '../../test-support/skip.js';
import { FileView } from '../filesystem.js';
import { scanLayerDirectory, scanTreeChanges } from './directory.js';
import type { LayerFileVisitor } from './visitor.js';

const notRoot = process.getuid?.() === 0 ? undefined : 'mknod of an overlay whiteout (a 0/0 character device) needs root';

/** Records what it is handed: the visitors see a directory's files as they see a tar's. */
const recorder: LayerFileVisitor = {
  id: 'recorder',
  version: 1,
  maxBytes: 1024,
  required: (file) => file.endsWith('.txt'),
  analyze: ({ path: file, content }) => ({ file, text: content.toString('utf8') }),
};

describe('layers lying unpacked in directories', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-dirlayer-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const write = async (file: string, content: string, mode = 0o644): Promise<void> => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
    await chmod(path.join(dir, file), mode);
  };

  it('reads an overlay upper directory as a layer: entries, links as text, whiteouts, visitors', skipWhen(notRoot), async () => {
    await write('upper/etc/app.txt', 'changed');
    await write('upper/usr/local/bin/tool', 'ELF?', 0o755);
    await symlink('/etc/shadow', path.join(dir, 'upper/etc/link'));
    execFileSync('mknod', [path.join(dir, 'upper/etc/gone'), 'c', '0', '0']);
    const scan = await scanLayerDirectory(path.join(dir, 'upper'), { what: 'upper', limits: defaultLimits, visitors: [recorder] });
    expect(scan.whiteouts).toEqual(['/etc/gone']);
    expect(scan.entries.map((entry) => [entry.path, entry.type, entry.linkTarget])).toEqual(
      expect.arrayContaining([
        ['/etc/link', 'symlink', '/etc/shadow'],
        ['/usr/local/bin/tool', 'file', undefined],
      ]),
    );
    expect(scan.entries.find((entry) => entry.path === '/usr/local/bin/tool')?.mode).toBe(0o755);
    expect(scan.analyses).toEqual([{ analyzer: 'recorder', path: '/etc/app.txt', output: { file: '/etc/app.txt', text: 'changed' } }]);
    expect(scan.uncompressedSize).toBe('changed'.length + 'ELF?'.length);
  });

  it('reads a 0/0 device in a complete tree as a device, not a whiteout, when told the tree has none', skipWhen(notRoot), async () => {
    await mkdir(path.join(dir, 'tree/dev'), { recursive: true });
    execFileSync('mknod', [path.join(dir, 'tree/dev/zero-zero'), 'c', '0', '0']);
    const scan = await scanLayerDirectory(path.join(dir, 'tree'), { what: 'tree', limits: defaultLimits, overlayWhiteouts: false });
    expect(scan.whiteouts).toEqual([]);
    expect(scan.entries.find((entry) => entry.path === '/dev/zero-zero')?.type).toBe('char');
  });

  it('diffs two full trees as containers/storage does: new, changed (size, mode, time) and deleted paths', async () => {
    const files = { 'etc/a.txt': 'a', 'etc/b': 'b', 'etc/c': 'c', 'etc/same': 's', 'usr/bin/x': 'x' };
    for (const [file, content] of Object.entries(files)) {
      await write(`image/${file}`, content);
      await write(`container/${file}`, content);
    }
    const fixed = new Date('2026-01-01T00:00:00Z');
    for (const file of Object.keys(files)) {
      await utimes(path.join(dir, 'image', file), fixed, fixed);
      await utimes(path.join(dir, 'container', file), fixed, fixed);
    }
    await write('container/etc/a.txt', 'grown');
    await chmod(path.join(dir, 'container/etc/b'), 0o600);
    await utimes(path.join(dir, 'container/etc/c'), fixed, new Date('2026-02-01T00:00:00Z'));
    await rm(path.join(dir, 'container/usr/bin/x'));
    await write('container/opt/new/file', 'new');
    const scan = await scanTreeChanges(path.join(dir, 'container'), path.join(dir, 'image'), {
      what: 'container',
      limits: defaultLimits,
      visitors: [recorder],
    });
    const image = await scanLayerDirectory(path.join(dir, 'image'), { what: 'image', limits: defaultLimits });
    const { changes } = FileView.build([image, scan]);
    expect(changes[1]).toMatchObject({ added: ['/opt/new/file'], modified: ['/etc/a.txt', '/etc/b', '/etc/c'], deleted: ['/usr/bin/x'] });
    expect(scan.analyses.map((analysis) => analysis.path)).toEqual(['/etc/a.txt']);
  });

  it('bounds the entries it reads', async () => {
    for (let i = 0; i < 5; i++) await write(`many/f${i}`, '');
    await expect(scanLayerDirectory(path.join(dir, 'many'), { what: 'a layer', limits: { ...defaultLimits, maxEntries: 3 } })).rejects.toThrow(
      /more than 3 entries/,
    );
  });
});
