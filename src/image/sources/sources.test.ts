import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../core/limits.js';
import {
  buildImage,
  dockerArchiveFiles,
  ociLayoutFiles,
  sha256,
  writeArchive,
  writeDirectory,
  type BuiltImage,
  type ImageSpec,
} from '../../test-support/image-builder.js';
import { openImage } from '../open.js';
import { readImage } from '../read-image.js';
import type { ImageSelection } from '../source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-sources-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base: ImageSpec = {
  layers: [
    { items: [{ name: 'etc/' }, { name: 'etc/os-release', content: 'ID=test\n' }, { name: 'bin/sh', content: 'sh' }], createdBy: 'ADD rootfs' },
    { items: [{ name: 'app/' }, { name: 'app/main', content: 'main' }, { name: 'etc/.wh.os-release' }], createdBy: 'COPY app /app', compression: 'none' },
  ],
  emptyHistoryAfter: { 0: ['ENV A=b'] },
};

let counter = 0;
const target = (suffix: string): string => path.join(dir, `${counter++}-${suffix}`);

async function read(name: string, selection: ImageSelection = {}) {
  const source = await openImage(name, { limits: defaultLimits, registry: {} });
  try {
    return await readImage(source, { selection, limits: defaultLimits });
  } finally {
    await source.close();
  }
}

function expectBaseImage(model: Awaited<ReturnType<typeof read>>, image: BuiltImage): void {
  expect(model.image.configDigest).toBe(image.configDigest);
  expect(model.layers.map((l) => l.blob.diffId)).toEqual(image.layers.map((l) => l.diffId));
  expect(model.layers.map((l) => l.history?.created_by)).toEqual(['ADD rootfs', 'COPY app /app']);
  expect(model.layers.map((l) => l.changes)).toEqual([
    { added: ['/etc/os-release', '/bin/sh'], modified: [], deleted: [], opaqueDirs: [] },
    { added: ['/app/main'], modified: [], deleted: ['/etc/os-release'], opaqueDirs: [] },
  ]);
}

describe('OCI image layouts', () => {
  it('reads a layout directory and an oci-archive tar alike', async () => {
    const image = await buildImage(base);
    const files = ociLayoutFiles([{ image, refName: 'app:1' }]);
    const fromDir = await read(await writeDirectory(target('layout'), files));
    const fromTar = await read(await writeArchive(target('layout.tar'), files));
    expectBaseImage(fromDir, image);
    expect(fromDir.image).toMatchObject({ source: 'oci-layout', manifestDigest: image.manifestDigest, reference: 'app:1' });
    expect(fromTar.image).toMatchObject({ source: 'oci-archive', manifestDigest: image.manifestDigest });
    expect(fromTar.layers.map((l) => l.changes)).toEqual(fromDir.layers.map((l) => l.changes));
  });

  it('selects an image by its org.opencontainers.image.ref.name, and refuses to guess among several', async () => {
    const one = await buildImage(base);
    const two = await buildImage({ layers: [{ items: [{ name: 'two', content: '2' }] }] });
    const layout = await writeDirectory(
      target('two-images'),
      ociLayoutFiles([
        { image: one, refName: 'one:1' },
        { image: two, refName: 'two:2' },
      ]),
    );
    expect((await read(layout, { image: 'two:2' })).image.manifestDigest).toBe(two.manifestDigest);
    await expect(read(layout)).rejects.toMatchObject({ code: 'E_UNSUPPORTED', message: expect.stringContaining('one:1, two:2') });
    await expect(read(layout, { image: 'three' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('selects a platform from an image index, skipping attestation manifests', async () => {
    const amd = await buildImage(base);
    const arm = await buildImage({ ...base, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    const entry = (image: BuiltImage, platform: object) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: image.manifestDigest,
      size: image.manifest.length,
      platform,
    });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { ...entry(amd, { os: 'unknown', architecture: 'unknown' }), annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
          entry(arm, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
          entry(amd, { os: 'linux', architecture: 'amd64' }),
        ],
      }),
    );
    const files = ociLayoutFiles([{ image: amd }, { image: arm }], [index]);
    files.set(
      'index.json',
      Buffer.from(
        JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(index), size: index.length }] }),
      ),
    );
    const layout = await writeDirectory(target('multi'), files);
    expect((await read(layout)).image).toMatchObject({ manifestDigest: amd.manifestDigest, indexDigest: sha256(index) });
    expect((await read(layout, { platform: { os: 'linux', architecture: 'arm64' } })).image.manifestDigest).toBe(arm.manifestDigest);
    await expect(read(layout, { platform: { os: 'linux', architecture: 's390x' } })).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: expect.stringContaining('linux/arm64/v8, linux/amd64'),
    });
  });

  it('fails with E_NOT_FOUND when the manifest points to a missing blob', async () => {
    const image = await buildImage(base);
    const files = ociLayoutFiles([{ image }]);
    files.delete(`blobs/sha256/${image.layers[1]?.digest.slice(7)}`);
    await expect(read(await writeDirectory(target('missing'), files))).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: expect.stringContaining('missing blob'),
    });
  });

  it('fails with E_DIGEST_MISMATCH when a layer blob was altered', async () => {
    const image = await buildImage({
      layers: [{ items: [{ name: 'f', content: 'original' }], tamper: (blob) => Buffer.concat([blob.subarray(0, -8), Buffer.alloc(8)]) }],
    });
    const files = ociLayoutFiles([{ image }]);
    await expect(read(await writeArchive(target('tampered.tar'), files))).rejects.toMatchObject({ code: expect.stringMatching(/E_DIGEST_MISMATCH|E_CORRUPT/) });
  });

  it('fails with E_DIGEST_MISMATCH when a manifest or config was altered', async () => {
    const image = await buildImage(base);
    const files = ociLayoutFiles([{ image }]);
    files.set(`blobs/sha256/${image.configDigest.slice(7)}`, Buffer.from(image.config.toString().replace('"app"', '"APP"')));
    await expect(read(await writeDirectory(target('bad-config'), files))).rejects.toMatchObject({ code: 'E_DIGEST_MISMATCH' });
  });

  it('fails with E_DIGEST_MISMATCH when the uncompressed layer is not the config diffID', async () => {
    const image = await buildImage(base);
    const config = JSON.parse(image.config.toString()) as { rootfs: { diff_ids: string[] } };
    config.rootfs.diff_ids[0] = sha256('something else');
    const forged = await buildImage({ ...base, config: { rootfs: config.rootfs } });
    await expect(read(await writeDirectory(target('bad-diffid'), ociLayoutFiles([{ image: forged }])))).rejects.toMatchObject({
      code: 'E_DIGEST_MISMATCH',
      message: expect.stringContaining('diffID'),
    });
  });

  it('refuses a Docker schema1 manifest with a clear message', async () => {
    const schema1 = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'old', tag: 'latest', fsLayers: [] }));
    const files = new Map([
      ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
      [`blobs/sha256/${sha256(schema1).slice(7)}`, schema1],
      [
        'index.json',
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            manifests: [{ mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws', digest: sha256(schema1), size: schema1.length }],
          }),
        ),
      ],
    ]);
    await expect(read(await writeDirectory(target('schema1'), files))).rejects.toMatchObject({
      code: 'E_UNSUPPORTED',
      message: expect.stringContaining('schema1'),
    });
  });

  it('fails with E_MANIFEST when index.json is garbage', async () => {
    const files = new Map([
      ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
      ['index.json', Buffer.from('<html>not json</html>')],
    ]);
    await expect(read(await writeDirectory(target('garbage'), files))).rejects.toMatchObject({ code: 'E_CORRUPT' });
  });
});

describe('docker-archives', () => {
  it('reads the current layout (blobs/sha256) and the legacy <id>/layer.tar layout alike', async () => {
    const image = await buildImage(base);
    const current = await read(await writeArchive(target('docker.tar'), dockerArchiveFiles([{ image, tags: ['app:1'] }])));
    const legacy = await read(await writeArchive(target('legacy.tar'), dockerArchiveFiles([{ image, tags: ['app:1'] }], true)));
    for (const model of [current, legacy]) {
      expectBaseImage(model, image);
      expect(model.image).toMatchObject({ source: 'docker-archive', manifestDigest: undefined, reference: 'app:1' });
      expect(model.layers.map((l) => l.blob.digest)).toEqual(image.layers.map((l) => l.diffId));
    }
  });

  it('follows a repeated legacy layer stored as a symlink to its first copy', async () => {
    const image = await buildImage(base);
    const files = dockerArchiveFiles([{ image, tags: ['app:1'] }], true);
    const manifest = JSON.parse(files.get('manifest.json')?.toString() ?? '') as { Layers: string[] }[];
    const first = manifest[0]?.Layers[0] as string;
    manifest[0]?.Layers.push('dup/layer.tar');
    const config = JSON.parse(image.config.toString()) as { rootfs: { diff_ids: string[] }; history: unknown[] };
    config.rootfs.diff_ids.push(image.layers[0]?.diffId as string);
    config.history.push({ created_by: 'again' });
    const configData = Buffer.from(JSON.stringify(config));
    files.set(`${sha256(configData).slice(7)}.json`, configData);
    (manifest[0] as unknown as { Config: string }).Config = `${sha256(configData).slice(7)}.json`;
    files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
    const model = await read(await writeArchive(target('dup.tar'), files, { 'dup/layer.tar': `../${first}` }));
    expect(model.layers).toHaveLength(3);
    // layer 1 deleted /etc/os-release, so the repeat adds it back and modifies only /bin/sh
    expect(model.layers[2]?.changes).toMatchObject({ added: ['/etc/os-release'], modified: ['/bin/sh'] });
  });

  it('selects one of several images with --image and lists the tags when not told which', async () => {
    const one = await buildImage(base);
    const two = await buildImage({ layers: [{ items: [{ name: 'two', content: '2' }] }] });
    const archive = await writeArchive(
      target('multi.tar'),
      dockerArchiveFiles([
        { image: one, tags: ['one:1'] },
        { image: two, tags: ['registry.local/two:2'] },
      ]),
    );
    expect((await read(archive, { image: 'registry.local/two:2' })).image.configDigest).toBe(two.configDigest);
    expect((await read(archive, { image: 'one:1' })).image.configDigest).toBe(one.configDigest);
    await expect(read(archive)).rejects.toMatchObject({ code: 'E_UNSUPPORTED', message: expect.stringContaining('one:1, registry.local/two:2') });
  });

  it('fails with E_MANIFEST when manifest and config disagree on the layer count', async () => {
    const image = await buildImage(base);
    const files = dockerArchiveFiles([{ image, tags: [] }]);
    const manifest = JSON.parse(files.get('manifest.json')?.toString() ?? '') as { Layers: string[] }[];
    manifest[0]?.Layers.pop();
    files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
    await expect(read(await writeArchive(target('count.tar'), files))).rejects.toMatchObject({ code: 'E_MANIFEST' });
  });
});

describe('archives that are not images', () => {
  it('reports a truncated archive as E_CORRUPT', async () => {
    const image = await buildImage(base);
    const whole = await writeArchive(target('whole.tar'), ociLayoutFiles([{ image }]));
    const data = await import('node:fs/promises').then((fs) => fs.readFile(whole));
    const cut = target('cut.tar');
    await writeFile(cut, data.subarray(0, 1536 + 100));
    await expect(read(cut)).rejects.toMatchObject({ code: 'E_CORRUPT' });
  });

  it('reports a tar without an image as E_NOT_FOUND, and a missing path as E_NOT_FOUND', async () => {
    const plain = await writeArchive(target('plain.tar'), new Map([['hello.txt', Buffer.from('hi')]]));
    await expect(read(plain)).rejects.toMatchObject({ code: 'E_NOT_FOUND', message: expect.stringContaining('not an image') });
    await expect(read(path.join(dir, 'absent.tar'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('refuses an OCI layout directory whose manifest names blobs outside it', async () => {
    const files = new Map([
      ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
      [
        'index.json',
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:../../../etc/passwd', size: 1 }],
          }),
        ),
      ],
    ]);
    await expect(read(await writeDirectory(target('traversal'), files))).rejects.toMatchObject({ code: 'E_MANIFEST' });
  });
});
