import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostRoot } from '../../root.js';
import { readContainersStorage } from './read.js';

const store = '/var/lib/containers/storage';
const id = (c: string): string => c.repeat(64);

/**
 * containers/storage's JSON as an attacker would write it: the reader keeps ids as data, builds
 * paths only from ids it checked, and reads every other container when one is broken.
 */
describe('containers/storage state, hostile', () => {
  let dir: string;
  const write = async (hostPath: string, content: unknown): Promise<void> => {
    const file = path.join(dir, hostPath);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  };
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-cstore-'));
    await write(`${store}/vfs-layers/layers.json`, [
      { id: id('1') },
      { id: id('2'), parent: id('1') },
      { id: id('3'), parent: id('4') },
      { id: id('4'), parent: id('3') },
    ]);
    await write(`${store}/vfs-images/images.json`, [{ id: id('9'), digest: `sha256:${id('d')}`, names: ['localhost/app:1'] }]);
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('builds layer paths only from checked ids, and names what it could not follow', async () => {
    await write(`${store}/vfs-containers/containers.json`, [
      { id: id('a'), names: ['good'], image: id('9'), layer: id('2') },
      { id: id('b'), names: ['escape'], image: '../../../etc', layer: '../../../../etc' },
      { id: id('c'), names: ['loop'], image: id('9'), layer: id('3') },
      { id: '../../../../etc/passwd', names: ['bad-id'], layer: id('2') },
      { id: id('e'), names: ['orphan'], image: id('9'), layer: id('7') },
      { id: id('f'), names: ['metadata'], image: id('9'), layer: id('2'), metadata: '{not json' },
    ]);
    const { engines, problems } = await readContainersStorage(new HostRoot(dir), { graphRoots: [store] });
    const containers = engines.flatMap((engine) => engine.containers);
    const layers = Object.fromEntries(containers.map((container) => [container.name, container.layers]));
    expect(layers.good).toEqual({ kind: 'full', image: `${store}/vfs/dir/${id('1')}`, container: `${store}/vfs/dir/${id('2')}` });
    expect(layers.escape).toBe('its writable layer id is not a layer id');
    expect(layers.loop).toMatch(/loop or go deeper/);
    expect(layers.orphan).toMatch(/is not in vfs-layers\/layers.json/);
    expect(layers.metadata).toMatchObject({ kind: 'full' });
    expect(containers.find((container) => container.name === 'escape')?.image).toEqual({ reference: undefined, digest: undefined, id: undefined });
    expect(containers.find((container) => container.name === 'good')?.image).toEqual({
      reference: 'localhost/app:1',
      digest: `sha256:${id('d')}`,
      id: `sha256:${id('9')}`,
    });
    expect(problems).toEqual([`${store}: container ../../../../: not a container id`]);
  });

  it('reads no state through a link out of the root, refuses what is not JSON, and bounds the containers it reads', async () => {
    await mkdir(path.join(dir, store, 'vfs-containers'), { recursive: true });
    await symlink('/etc/passwd', path.join(dir, store, 'vfs-containers/containers.json'));
    expect((await readContainersStorage(new HostRoot(dir), { graphRoots: [store] })).engines).toEqual([]);
    await rm(path.join(dir, store, 'vfs-containers/containers.json'));
    await write(`${store}/vfs-containers/containers.json`, '[{"id": ');
    const broken = await readContainersStorage(new HostRoot(dir), { graphRoots: [store] });
    expect(broken.problems).toEqual([expect.stringMatching(/containers.json: .*not valid JSON/)]);
    await write(
      `${store}/vfs-containers/containers.json`,
      Array.from({ length: 5 }, (_, i) => ({ id: id(String(i)), names: [`c${i}`], layer: id('2') })),
    );
    const bounded = await readContainersStorage(new HostRoot(dir), { graphRoots: [store], maxContainers: 3 });
    expect(bounded.engines.flatMap((engine) => engine.containers)).toHaveLength(3);
    expect(bounded.problems).toEqual([expect.stringContaining('5 containers, more than the 3 still read')]);
  });
});
