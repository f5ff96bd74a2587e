import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

/**
 * A small builder of real image files for tests: layer tars, docker-archives (current and legacy
 * layouts) and OCI layouts (directory and tar), with whatever corruption a test needs.
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
export async function makeTar(items: readonly TarItem[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const item of items) {
    const type = item.type ?? (item.content === undefined ? 'directory' : 'file');
    const content = item.content === undefined ? undefined : Buffer.from(item.content);
    const header: Partial<tar.Header> & { name: string } = {
      name: item.name,
      type,
      mode: item.mode ?? (type === 'directory' ? 0o755 : 0o644),
      mtime: fixedTime, // reproducible archives
    };
    if (item.linkname !== undefined) header.linkname = item.linkname;
    await new Promise<void>((resolve, reject) => {
      const callback = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (content) pack.entry(header, content, callback);
      else pack.entry(header, callback);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
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

export const sha256 = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export interface LayerSpec {
  items: TarItem[];
  createdBy?: string;
  compression?: Compression;
  /** Replace the stored blob (after digests are computed) to simulate corruption. */
  tamper?: (blob: Buffer) => Buffer;
}

export interface BuiltLayer {
  tar: Buffer;
  blob: Buffer;
  digest: string;
  diffId: string;
  mediaType: string;
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

const layerMediaTypes: Record<Compression, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

export async function buildImage(spec: ImageSpec): Promise<BuiltImage> {
  const layers: BuiltLayer[] = [];
  for (const layer of spec.layers) {
    const tarData = await makeTar(layer.items);
    const compression = layer.compression ?? 'gzip';
    const stored = compress(tarData, compression);
    const blob = layer.tamper ? layer.tamper(stored) : stored;
    layers.push({ tar: tarData, blob, digest: sha256(stored), diffId: sha256(tarData), mediaType: layerMediaTypes[compression] });
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
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.blob.length })),
    }),
  );
  return { layers, config, configDigest: sha256(config), manifest, manifestDigest: sha256(manifest) };
}

const blobName = (digest: string): string => `blobs/sha256/${digest.slice('sha256:'.length)}`;

/** The files of an OCI image layout holding these images (each with a ref name), plus extra blobs. */
export function ociLayoutFiles(images: { image: BuiltImage; refName?: string }[], extraBlobs: Buffer[] = []): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  const manifests = images.map(({ image, refName }) => {
    files.set(blobName(image.manifestDigest), image.manifest);
    files.set(blobName(image.configDigest), image.config);
    for (const layer of image.layers) files.set(blobName(layer.digest), layer.blob);
    return {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: image.manifestDigest,
      size: image.manifest.length,
      ...(refName ? { annotations: { 'org.opencontainers.image.ref.name': refName } } : {}),
    };
  });
  for (const blob of extraBlobs) files.set(blobName(sha256(blob)), blob);
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests })));
  return files;
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

/** Writes files under a directory (an OCI layout directory). */
export async function writeDirectory(dir: string, files: Map<string, Buffer>): Promise<string> {
  for (const [name, data] of files) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), data);
  }
  return dir;
}

/** Writes files as a tar archive; `links` adds symlink members (`name` → `target`). */
export async function writeArchive(file: string, files: Map<string, Buffer>, links: Record<string, string> = {}): Promise<string> {
  const items: TarItem[] = [...files].map(([name, content]) => ({ name, content }));
  for (const [name, linkname] of Object.entries(links)) items.push({ name, type: 'symlink', linkname });
  await writeFile(file, await makeTar(items));
  return file;
}
