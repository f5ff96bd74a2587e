import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { digestOf } from '../digest.js';
import { MediaType } from '../media-types.js';
import { assembleImage, blobName, layerOf, ociLayoutFiles } from './image.js';
import { storedGzip } from './gzip.js';
import { packTar } from './tar.js';

const mtime = new Date('2024-01-01T00:00:00Z');

describe('image/build', () => {
  it('writes the same tar for the same entries, and gzip that any inflater reads back', async () => {
    const entries = [
      { name: 'etc/', type: 'directory' as const, mode: 0o755, mtime },
      { name: 'etc/hostname', type: 'file' as const, content: Buffer.from('box\n'), mode: 0o644, uid: 1000, gid: 1000, mtime },
      { name: 'etc/link', type: 'symlink' as const, linkname: 'hostname', mode: 0o777, mtime },
    ];
    const tar = await packTar(entries);
    expect(await packTar(entries)).toEqual(tar);
    const big = Buffer.concat([tar, Buffer.alloc(200_000, 7)]); // more than one stored block
    expect(gunzipSync(storedGzip(big))).toEqual(big);
  });

  it('names layers, config and manifest by their digests; the layout lists each image and holds every blob', async () => {
    const tar = await packTar([{ name: 'a', type: 'file', content: Buffer.from('a'), mode: 0o644, mtime }]);
    const layer = layerOf(tar, storedGzip(tar), MediaType.ociLayerGzip);
    expect(layer).toMatchObject({ diffId: digestOf(tar), size: layer.blob.length, digest: digestOf(layer.blob) });
    const config = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: [layer.diffId] } }));
    const image = assembleImage(config, [layer]);
    expect(image.digest).toBe(digestOf(image.manifest));
    expect(JSON.parse(image.manifest.toString())).toEqual({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: digestOf(config), size: config.length },
      layers: [{ mediaType: MediaType.ociLayerGzip, digest: layer.digest, size: layer.size }],
    });

    const stray = Buffer.from('not referenced');
    const files = ociLayoutFiles([{ image, refName: 'v1' }, { image }], [stray]);
    for (const blob of [image.manifest, config, layer.blob, stray]) expect(files.get(blobName(digestOf(blob)))).toEqual(blob);
    const index = JSON.parse(files.get('index.json')?.toString() ?? '') as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    expect(index.manifests.map((m) => [m.digest, m.annotations?.['org.opencontainers.image.ref.name']])).toEqual([
      [image.digest, 'v1'],
      [image.digest, undefined],
    ]);
    expect(files.get('oci-layout')?.toString()).toBe('{"imageLayoutVersion":"1.0.0"}');
  });
});
