import { mkdir, mkdtemp, realpath, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../core/limits.js';
import { buildImage, ociLayoutFiles, writeDirectory, type BuiltImage } from '../../test-support/image-builder.js';
import { openImage } from '../open.js';
import { readImage } from '../read-image.js';

let dir: string;
let image: BuiltImage;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-layout-links-'));
  image = await buildImage({ layers: [{ items: [{ name: 'etc/os-release', content: 'ID=test\n' }] }] });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
/** A fresh OCI layout directory of `image`, and a directory beside it (outside the layout). */
async function layout(): Promise<{ root: string; outside: string }> {
  const root = path.join(dir, `${counter}-layout`);
  const outside = path.join(dir, `${counter++}-outside`);
  await writeDirectory(root, ociLayoutFiles([{ image }]));
  await mkdir(outside);
  return { root, outside };
}

const blob = (digest: string): string => path.join('blobs', 'sha256', digest.slice('sha256:'.length));

/** Moves a file of the layout to `to` and leaves a symbolic link (with this target) in its place. */
async function replaceWithLink(root: string, name: string, to: string, target: string = to): Promise<void> {
  await rename(path.join(root, name), to);
  await symlink(target, path.join(root, name));
}

async function read(root: string) {
  const source = await openImage(root, { limits: defaultLimits, registry: {} });
  try {
    return await readImage(source, { selection: {}, limits: defaultLimits });
  } finally {
    await source.close();
  }
}

describe('OCI layout directories: symbolic links are followed only inside the layout', () => {
  // before, each of these read the file outside the layout as if it were the layout's own
  it.each([
    ['a layer blob', (): string => blob(image.layers[0]?.digest ?? '')],
    ['the config blob', (): string => blob(image.configDigest)],
    ['the manifest blob', (): string => blob(image.manifestDigest)],
    ['index.json', (): string => 'index.json'],
    ['oci-layout', (): string => 'oci-layout'],
  ])('refuses %s that links to a file outside the layout (E_UNSAFE_PATH), by absolute or relative target', async (_what, name) => {
    for (const relative of [false, true]) {
      const { root, outside } = await layout();
      const moved = path.join(outside, 'file');
      await replaceWithLink(root, name(), moved, relative ? path.relative(path.dirname(path.join(root, name())), moved) : moved);
      const message = `${root}: ${name()} is a symbolic link to ${await realpath(moved)}, outside the layout; refusing to follow it`;
      await expect(read(root), `${name()} (${relative ? 'relative' : 'absolute'} link)`).rejects.toMatchObject({ code: 'E_UNSAFE_PATH', message });
    }
  });

  it('refuses a blobs directory that links outside the layout', async () => {
    const { root, outside } = await layout();
    await replaceWithLink(root, 'blobs', path.join(outside, 'blobs'));
    await expect(read(root)).rejects.toMatchObject({ code: 'E_UNSAFE_PATH' });
  });

  it('follows links that stay inside the layout, and a layout reached through a link', async () => {
    const { root } = await layout();
    await mkdir(path.join(root, 'store'));
    const layer = blob(image.layers[0]?.digest ?? '');
    await replaceWithLink(root, layer, path.join(root, 'store', 'layer'), '../../store/layer');
    await replaceWithLink(root, 'index.json', path.join(root, 'store', 'index.json'), 'store/index.json');
    expect((await read(root)).layers.map((l) => l.blob.digest)).toEqual([image.layers[0]?.digest]);
    const alias = path.join(dir, `${counter++}-alias`);
    await symlink(root, alias);
    expect((await read(alias)).image.configDigest).toBe(image.configDigest);
  });

  it('says a dangling blob link is a missing blob', async () => {
    const { root, outside } = await layout();
    const layer = blob(image.layers[0]?.digest ?? '');
    await replaceWithLink(root, layer, path.join(outside, 'gone'));
    await rm(path.join(outside, 'gone'));
    await expect(read(root)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});
