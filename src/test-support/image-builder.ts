import type { PushableImage } from '../image/registry/push.js';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { digestOf } from '../image/digest.js';
import { assembleImage, blobName, layerOf, ociLayoutFiles as layoutFiles, type WrittenImage, type WrittenLayer } from '../image/build/image.js';
import { packTar, type TarEntry } from '../image/build/tar.js';
import { MediaType } from '../image/media-types.js';

/**
 * A small builder of real image files for tests: layer tars, docker-archives (current and legacy
 * layouts) and OCI layouts (directory and tar), with whatever corruption a test needs. The valid
 * image is written by `image/build/` (as the demo's images are); this adds what tests need on top.
 */

export interface TarItem {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
}

const fixedTime = new Date('2024-01-01T00:00:00Z');

/** A tar archive of the items, in order (no validation: tests use this to make bad tars too). */
export function makeTar(items: readonly TarItem[]): Promise<Buffer> {
  return packTar(items.map(tarEntry));
}

function tarEntry(item: TarItem): TarEntry {
  const type = item.type ?? (item.content === undefined ? 'directory' : 'file');
  return {
    name: item.name,
    type,
    content: item.content === undefined ? undefined : Buffer.from(item.content),
    linkname: item.linkname,
    mode: item.mode ?? (type === 'directory' ? 0o755 : 0o644),
    mtime: fixedTime, // reproducible archives
  };
}

export type Compression = 'gzip' | 'zstd' | 'none';

export function compress(data: Buffer, compression: Compression): Buffer {
  if (compression === 'gzip') return gzipSync(data);
  if (compression === 'zstd') {
    const result = spawnSync('zstd', ['-q', '-c'], { input: data, maxBuffer: 1 << 30 });
    if (result.status !== 0) throw new Error(`zstd failed: ${result.stderr.toString()}`);
    return result.stdout;
  }
  return data;
}

/** The sha256 digest of the data (`digestOf`, under the name the tests use). */
export const sha256 = (data: Buffer | string): string => digestOf(data);

interface LayerSpec {
  items: TarItem[];
  createdBy?: string;
  compression?: Compression;
  /** Replace the stored blob (after digests are computed) to simulate corruption. */
  tamper?: (blob: Buffer) => Buffer;
}

/** A layer as written, with its tar kept (docker-archives store the tar itself). */
interface BuiltLayer extends WrittenLayer {
  tar: Buffer;
}

export interface ImageSpec {
  layers: LayerSpec[];
  /** Extra history entries without layers (ENV, USER...), inserted after the layer of that index. */
  emptyHistoryAfter?: Record<number, string[]>;
  config?: Record<string, unknown>;
  platform?: { os: string; architecture: string; variant?: string };
}

export interface BuiltImage {
  layers: BuiltLayer[];
  config: Buffer;
  configDigest: string;
  manifest: Buffer;
  manifestDigest: string;
}

const layerMediaTypes: Record<Compression, string> = { gzip: MediaType.ociLayerGzip, zstd: MediaType.ociLayerZstd, none: MediaType.ociLayer };

export async function buildImage(spec: ImageSpec): Promise<BuiltImage> {
  const layers: BuiltLayer[] = [];
  for (const layer of spec.layers) {
    const tarData = await makeTar(layer.items);
    const compression = layer.compression ?? 'gzip';
    const stored = compress(tarData, compression);
    const written = { ...layerOf(tarData, stored, layerMediaTypes[compression]), tar: tarData };
    if (!layer.tamper) layers.push(written);
    else {
      const blob = layer.tamper(stored);
      layers.push({ ...written, blob, size: blob.length }); // the digest still names the untampered blob
    }
  }
  const history: Record<string, unknown>[] = [];
  spec.layers.forEach((layer, index) => {
    history.push({ created_by: layer.createdBy ?? `layer ${index}` });
    for (const step of spec.emptyHistoryAfter?.[index] ?? []) history.push({ created_by: step, empty_layer: true });
  });
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const config = Buffer.from(
    JSON.stringify({
      ...platform,
      created: '2024-01-01T00:00:00Z',
      config: { User: 'app', Env: ['PATH=/usr/bin', 'SECRET_TOKEN=hunter2'], Cmd: ['/bin/sh'], ExposedPorts: { '8080/tcp': {} }, Labels: { team: 'a' } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history,
      ...spec.config,
    }),
  );
  const written = assembleImage(config, layers);
  return { layers, config, configDigest: written.configDigest, manifest: written.manifest, manifestDigest: written.digest };
}

/**
 * The files of an OCI image layout holding these images (each with a ref name), plus extra blobs.
 * Each image is written as it stands: a test that edited its manifest or config gets the edit.
 */
export function ociLayoutFiles(images: { image: BuiltImage; refName?: string }[], extraBlobs: Buffer[] = []): Map<string, Buffer> {
  return layoutFiles(
    images.map(({ image, refName }) => ({ image: asWritten(image), refName: refName === '' ? undefined : refName })),
    extraBlobs,
  );
}

function asWritten(image: BuiltImage): WrittenImage {
  const blobs = [{ digest: image.configDigest, data: image.config }, ...image.layers.map((layer) => ({ digest: layer.digest, data: layer.blob }))];
  return {
    mediaType: MediaType.ociManifest,
    manifest: image.manifest,
    digest: image.manifestDigest,
    config: image.config,
    configDigest: image.configDigest,
    layers: image.layers,
    blobs,
  };
}

/**
 * The files of a docker-archive. `legacy` uses the pre-Docker-25 `<id>/layer.tar` layout, where a
 * layer repeated in the image is written once and linked.
 */
export function dockerArchiveFiles(images: { image: BuiltImage; tags: string[] }[], legacy = false): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const manifest = images.map(({ image, tags }) => {
    const configName = legacy ? `${image.configDigest.slice(7)}.json` : blobName(image.configDigest);
    files.set(configName, image.config);
    const layerNames = image.layers.map((layer) => {
      const name = legacy ? `${layer.diffId.slice(7, 71)}/layer.tar` : blobName(layer.diffId);
      files.set(name, layer.tar);
      return name;
    });
    return { Config: configName, RepoTags: tags, Layers: layerNames };
  });
  files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
  return files;
}

export { writeDirectory } from '../image/build/image.js';

/** Writes files as a tar archive; `links` adds symlink members (`name` → `target`). */
export async function writeArchive(file: string, files: Map<string, Buffer>, links: Record<string, string> = {}): Promise<string> {
  const items: TarItem[] = [...files].map(([name, content]) => ({ name, content }));
  for (const [name, linkname] of Object.entries(links)) items.push({ name, type: 'symlink', linkname });
  await writeFile(file, await makeTar(items));
  return file;
}

/** A built image as the registry pusher takes it: manifest, config and layer blobs. */
export function pushableOf(image: BuiltImage): PushableImage {
  return {
    manifest: image.manifest,
    mediaType: MediaType.ociManifest,
    blobs: [{ digest: image.configDigest, data: image.config }, ...image.layers.map((layer) => ({ digest: layer.digest, data: layer.blob }))],
  };
}
