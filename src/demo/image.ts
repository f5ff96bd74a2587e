import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { digestOf } from '../image/digest.js';
import { MediaType } from '../image/media-types.js';
import type { FileTree, LayerChanges } from './file-tree.js';
import { layerTar, storedGzip } from './tar-layer.js';

/** One layer of a built image: the gzip blob as pushed and the diffID of the tar inside. */
export interface BuiltLayer {
  mediaType: string;
  digest: string;
  diffId: string;
  size: number;
  blob: Buffer;
}

/** The container settings of an image config, in the order BuildKit writes them. */
export interface ContainerSettings {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

export interface HistoryRecord {
  created: string;
  created_by: string;
  comment?: string;
  empty_layer?: true;
}

export interface ImageConfigDocument {
  architecture: string;
  config: ContainerSettings;
  created: string;
  history: HistoryRecord[];
  os: string;
  rootfs: { type: 'layers'; diff_ids: string[] };
}

/** A content-addressed blob (config or layer) as a registry stores it. */
export interface Blob {
  digest: string;
  data: Buffer;
}

/** An OCI image held in memory: the bytes to push, the parsed config, and the squashed files. */
export interface BuiltImage {
  mediaType: string;
  manifest: Buffer;
  /** The manifest digest: what a registry serves the image as. */
  digest: string;
  config: Buffer;
  configDigest: string;
  configDocument: ImageConfigDocument;
  layers: BuiltLayer[];
  /** Config first, then the layers: every blob the manifest references. */
  blobs: Blob[];
  /** The image's filesystem, for later stages (`COPY --from`) and images built on this one. */
  files: FileTree;
}

/** Turns a layer's changes into the gzip blob a registry stores. */
export async function makeLayer(changes: LayerChanges, below: FileTree, mtime: Date): Promise<BuiltLayer> {
  const tar = await layerTar(changes, below, mtime);
  const blob = storedGzip(tar);
  return { mediaType: MediaType.ociLayerGzip, digest: digestOf(blob), diffId: digestOf(tar), size: blob.length, blob };
}

/** Serialises the config and manifest (fixed key order, so the digests depend on the content alone). */
export function assembleImage(document: ImageConfigDocument, layers: BuiltLayer[], files: FileTree): BuiltImage {
  const configDocument: ImageConfigDocument = { ...document, rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) } };
  const config = Buffer.from(JSON.stringify(configDocument));
  const configDigest = digestOf(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.length },
      layers: layers.map((layer) => ({ mediaType: layer.mediaType, digest: layer.digest, size: layer.size })),
    }),
  );
  return {
    mediaType: MediaType.ociManifest,
    manifest,
    digest: digestOf(manifest),
    config,
    configDigest,
    configDocument,
    layers,
    blobs: [{ digest: configDigest, data: config }, ...layers.map((layer) => ({ digest: layer.digest, data: layer.blob }))],
    files,
  };
}

/** Writes images as an OCI image layout directory, each named by `refName` in index.json. */
export async function writeOciLayout(dir: string, images: readonly { image: BuiltImage; refName?: string | undefined }[]): Promise<string> {
  const blobDir = path.join(dir, 'blobs', 'sha256');
  await mkdir(blobDir, { recursive: true });
  const write = (digest: string, data: Buffer): Promise<void> => writeFile(path.join(blobDir, digest.slice('sha256:'.length)), data);
  const manifests = [];
  for (const { image, refName } of images) {
    await write(image.digest, image.manifest);
    for (const blob of image.blobs) await write(blob.digest, blob.data);
    manifests.push({
      mediaType: image.mediaType,
      digest: image.digest,
      size: image.manifest.length,
      ...(refName === undefined ? {} : { annotations: { 'org.opencontainers.image.ref.name': refName } }),
    });
  }
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
  return dir;
}
