import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { digestOf } from '../digest.js';
import { MediaType } from '../media-types.js';

/**
 * Writing images: layer blobs, config and manifest, OCI image layouts. The demo builds the example
 * estate's images with it, and the test support builds valid images on top of it (then corrupts
 * them as a test needs).
 */

/** One layer as a registry stores it: the blob (compressed or not) and the diffID of the tar inside. */
export interface WrittenLayer {
  mediaType: string;
  /** The blob's digest. */
  digest: string;
  /** The digest of the uncompressed tar. */
  diffId: string;
  size: number;
  blob: Buffer;
}

/** A content-addressed blob (config or layer) as a registry stores it. */
interface Blob {
  digest: string;
  data: Buffer;
}

/** An OCI image manifest with the blobs it references. */
export interface WrittenImage<Layer extends WrittenLayer = WrittenLayer> {
  mediaType: string;
  manifest: Buffer;
  /** The manifest digest: what a registry serves the image as. */
  digest: string;
  config: Buffer;
  configDigest: string;
  layers: Layer[];
  /** Config first, then the layers: every blob the manifest references. */
  blobs: Blob[];
}

/** The layer record of a tar stored as `blob` (the tar itself, or the tar compressed as `mediaType` says). */
export function layerOf(tar: Buffer, blob: Buffer, mediaType: string): WrittenLayer {
  return { mediaType, digest: digestOf(blob), diffId: digestOf(tar), size: blob.length, blob };
}

/**
 * The OCI manifest of a config and layers. The config is taken as given (its `rootfs.diff_ids` are
 * the caller's), and documents are serialised in a fixed key order, so the digests depend on the
 * content alone.
 */
export function assembleImage<Layer extends WrittenLayer>(config: Buffer, layers: Layer[]): WrittenImage<Layer> {
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
    layers,
    blobs: [{ digest: configDigest, data: config }, ...layers.map((layer) => ({ digest: layer.digest, data: layer.blob }))],
  };
}

/** `blobs/sha256/<hex>`: where a layout or a docker-archive keeps a blob. */
export function blobName(digest: string): string {
  const colon = digest.indexOf(':');
  return `blobs/${digest.slice(0, colon)}/${digest.slice(colon + 1)}`;
}

/**
 * The files of an OCI image layout holding the images, each named by `refName` in index.json, and
 * `extraBlobs` that no listed manifest references (signatures, referrers, strays).
 */
export function ociLayoutFiles(
  images: readonly { image: WrittenImage; refName?: string | undefined }[],
  extraBlobs: readonly Buffer[] = [],
): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
  const manifests = images.map(({ image, refName }) => {
    files.set(blobName(image.digest), image.manifest);
    for (const blob of image.blobs) files.set(blobName(blob.digest), blob.data);
    return {
      mediaType: image.mediaType,
      digest: image.digest,
      size: image.manifest.length,
      ...(refName === undefined ? {} : { annotations: { 'org.opencontainers.image.ref.name': refName } }),
    };
  });
  for (const blob of extraBlobs) files.set(blobName(digestOf(blob)), blob);
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests })));
  return files;
}

/** Writes files (name → bytes, names relative, `/`-separated) under a directory; returns the directory. */
export async function writeDirectory(dir: string, files: ReadonlyMap<string, Buffer>): Promise<string> {
  for (const [name, data] of files) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
  }
  return dir;
}
