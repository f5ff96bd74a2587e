import { describe, expect, it } from 'vitest';
import { FileView } from './filesystem.js';
import type { FileEntry, LayerScan } from './layer/entry.js';

const file = (path: string, size = 1): FileEntry => ({ path, type: 'file', size, mode: 0o644, uid: 0, gid: 0 });
const dir = (path: string): FileEntry => ({ path, type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 });
const link = (path: string, linkTarget: string): FileEntry => ({ path, type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget });
const layer = (entries: FileEntry[], whiteouts: string[] = [], opaqueDirs: string[] = []): LayerScan => ({
  diffId: 'sha256:x',
  uncompressedSize: 0,
  entries,
  whiteouts,
  opaqueDirs,
  warnings: [],
  analyses: [],
});
const paths = (view: FileView): string[] => [...view.files()].map((r) => r.entry.path);

describe('FileView.build', () => {
  it('applies a whiteout to the named path and everything under it, and keeps what it hid', () => {
    const { view, changes } = FileView.build([
      layer([dir('/etc'), file('/etc/a'), dir('/etc/ssl'), file('/etc/ssl/cert'), file('/keep')]),
      layer([], ['/etc/ssl', '/etc/a']),
    ]);
    expect(paths(view)).toEqual(['/keep']);
    expect(view.get('/etc')?.entry.type).toBe('dir');
    expect(changes[1]).toEqual({ added: [], modified: [], deleted: ['/etc/ssl', '/etc/a'], opaqueDirs: [] });
    expect(view.hidden.map((h) => [h.entry.path, h.layer, h.hiddenBy, h.how]).sort()).toEqual([
      ['/etc/a', 0, 1, 'deleted'],
      ['/etc/ssl/cert', 0, 1, 'deleted'],
    ]);
  });

  it('hides the lower contents of an opaque directory but not what the same layer adds to it', () => {
    const { view } = FileView.build([
      layer([dir('/app'), file('/app/old'), file('/app/both')]),
      layer([dir('/app'), file('/app/new'), file('/app/both', 2)], [], ['/app']),
    ]);
    expect(paths(view)).toEqual(['/app/both', '/app/new']);
    expect(view.get('/app/both')).toMatchObject({ layer: 1, entry: { size: 2 } });
  });

  it('calls a path added when no lower layer had it and modified when one did', () => {
    const { changes } = FileView.build([layer([file('/a'), dir('/d')]), layer([file('/a', 5), file('/b'), dir('/d')])]);
    expect(changes[1]).toMatchObject({ added: ['/b'], modified: ['/a'] });
  });

  it('records the layer that last wrote each file, and overwritten versions as hidden', () => {
    const { view } = FileView.build([layer([file('/a', 1)]), layer([file('/a', 2)]), layer([file('/b')])]);
    expect(view.get('/a')).toMatchObject({ layer: 1, entry: { size: 2 } });
    expect(view.hidden).toEqual([{ entry: file('/a', 1), layer: 0, hiddenBy: 1, how: 'overwritten' }]);
  });

  it('lets a file replace a directory and a directory replace a file', () => {
    const { view } = FileView.build([layer([dir('/x'), file('/x/inner'), file('/y')]), layer([file('/x'), file('/y/inner')])]);
    expect(paths(view)).toEqual(['/x', '/y/inner']);
    expect(view.hidden.map((h) => h.entry.path).sort()).toEqual(['/x/inner', '/y']);
  });

  it('creates directories implied by their contents', () => {
    const { view } = FileView.build([layer([file('/deep/down/file')])]);
    expect(paths(view)).toEqual(['/deep/down/file']);
  });
});

describe('FileView.resolve', () => {
  const { view } = FileView.build([
    layer([
      dir('/usr'),
      dir('/usr/bin'),
      file('/usr/bin/busybox'),
      link('/bin', 'usr/bin'),
      link('/usr/bin/sh', 'busybox'),
      link('/usr/bin/abs', '/usr/bin/busybox'),
      link('/escape', '../../../../usr/bin/busybox'),
      link('/loop1', 'loop2'),
      link('/loop2', '/loop1'),
      link('/dangling', '/nowhere'),
    ]),
  ]);

  it('follows relative and absolute links in every component', () => {
    expect(view.resolve('/bin/sh')).toMatchObject({ path: '/usr/bin/busybox', entry: { type: 'file' } });
    expect(view.resolve('/bin/abs')?.path).toBe('/usr/bin/busybox');
  });

  it('never climbs above the image root', () => {
    expect(view.resolve('/escape')?.path).toBe('/usr/bin/busybox');
    expect(view.resolve('/../../usr/bin/busybox')?.path).toBe('/usr/bin/busybox');
  });

  it('fails with E_SYMLINK_LOOP on a loop, and gives undefined for a dangling link', () => {
    expect(() => view.resolve('/loop1')).toThrow(expect.objectContaining({ code: 'E_SYMLINK_LOOP' }));
    expect(view.resolve('/dangling')).toBeUndefined();
    expect(view.get('/loop1')?.entry.type).toBe('symlink');
  });
});
