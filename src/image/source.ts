import type { Readable } from 'node:stream';
import type { Limits } from '../core/limits.js';
import type { Diagnostics } from '../core/diagnostics.js';
import type { Platform } from './platform.js';
import type { ImageConfig, ImageManifest } from './schema.js';

/** Where an image came from; `host-storage`: the unpacked layers of a container engine's store on a host. */
type SourceKind = 'docker-archive' | 'oci-layout' | 'oci-archive' | 'registry' | 'host-storage';

/** One layer of a resolved image, with a way to read its (possibly compressed) blob. */
export interface LayerBlob {
  /** Position in the manifest, 0 = base. */
  index: number;
  /** Digest of the blob as stored (compressed). For a docker-archive, the digest of the layer file. */
  digest: string;
  /** Size of the blob as stored, in bytes. */
  size: number;
  mediaType: string;
  /** sha256 of the uncompressed tar, from the config's `rootfs.diff_ids` (always a digest: sources refuse others). */
  diffId: string;
  /**
   * Whether `digest` is the blob's address: true when the blob is fetched by a digest that a verified
   * manifest gives (registry, OCI layout), so bytes that do not hash to it are not this layer at all.
   * false for a docker-archive, whose layer files are named by paths the archive chooses: their digest
   * holds only once the bytes are hashed. The layer cache stands in for an unread blob only when true.
   */
  contentAddressed: boolean;
  /**
   * Opens the blob. The stream is verified against `digest` and `size` as it flows and fails with
   * a DigestMismatchError / SizeMismatchError at the end if they differ, maybe before anyone reads on:
   * hand it at once (no await in between) to `stream.pipeline` or a reader that attaches to its errors.
   */
  open(signal?: AbortSignal): Promise<Readable>;
}

/** An image whose manifest and config have been read and verified, ready for its layers to be read. */
export interface ResolvedImage {
  source: SourceKind;
  /** What the user gave: a path or a reference. */
  name: string;
  /** The reference this image is known by: `registry/repo:tag`, an OCI ref name or a RepoTag. */
  reference: string | undefined;
  /** Digest of the image manifest; for a pure docker-archive (which has none), undefined. */
  manifestDigest: string | undefined;
  /** Digest of the index or manifest list the manifest was selected from, if any. */
  indexDigest: string | undefined;
  manifestMediaType: string | undefined;
  manifest: ImageManifest | undefined;
  configDigest: string;
  config: ImageConfig;
  layers: LayerBlob[];
}

/** How to pick one image out of a source that holds several. */
export interface ImageSelection {
  /** A name:tag (docker-archive RepoTags) or an OCI `org.opencontainers.image.ref.name`. */
  image?: string | undefined;
  /**
   * The platform asked for: picked from an index (linux/amd64 when none is asked for), and required
   * of a single-platform image when asked for (see `requirePlatform`).
   */
  platform?: Platform | undefined;
}

export interface SourceContext {
  limits: Limits;
  diagnostics: Diagnostics;
  signal?: AbortSignal | undefined;
}

/** Every image source — archives, layouts, registries — resolves through this one interface. */
export interface ImageSource {
  readonly kind: SourceKind;
  resolve(selection: ImageSelection, context: SourceContext): Promise<ResolvedImage>;
  /** Releases file handles and connections. Safe to call more than once. */
  close(): Promise<void>;
}
