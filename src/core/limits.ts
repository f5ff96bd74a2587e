/**
 * Bounds on untrusted input. Every archive, layer and document Shipshape reads is checked against
 * these; exceeding one is a `LimitExceededError`, never an out-of-memory crash.
 */
export interface Limits {
  /** Largest decompressed size of one layer, in bytes. */
  maxLayerBytes: number;
  /** Decompressed/compressed ratio past which a layer is treated as a decompression bomb... */
  maxCompressionRatio: number;
  /** ...once it has produced at least this many bytes (small layers compress very well legitimately). */
  ratioCheckAfterBytes: number;
  /** Most tar entries in one layer or archive. */
  maxEntries: number;
  /** Longest path inside an image, in bytes. */
  maxPathBytes: number;
  /** Most symbolic links followed while resolving one path. */
  maxSymlinkHops: number;
  /** Largest JSON document (manifest, index, config, archive manifest) read into memory. */
  maxDocumentBytes: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const defaultLimits: Limits = {
  maxLayerBytes: 32 * GiB,
  maxCompressionRatio: 200,
  ratioCheckAfterBytes: 256 * MiB,
  maxEntries: 2_000_000,
  maxPathBytes: 4096,
  maxSymlinkHops: 40,
  maxDocumentBytes: 16 * MiB,
};

/**
 * Largest Dockerfile read, in bytes (`dockerfile lint`, `scan image --dockerfile`, the Dockerfiles of
 * a source tree). Real ones are a few KiB; past this a file is refused, not parsed.
 */
export const maxDockerfileBytes = 1 * MiB;
