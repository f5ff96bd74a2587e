/**
 * Typed, fatal errors. Each has a stable `code` that scripts and tests can rely on, a message
 * written for the person at the terminal, and optionally a `hint` (what to do) and a `cause`.
 * Non-fatal problems are `Diagnostic`s instead (see diagnostics.ts).
 */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_NOT_FOUND'
  | 'E_OUTPUT'
  | 'E_DIGEST_MISMATCH'
  | 'E_SIZE_MISMATCH'
  | 'E_CORRUPT'
  | 'E_UNSAFE_PATH'
  | 'E_LIMIT'
  | 'E_UNSUPPORTED'
  | 'E_MANIFEST'
  | 'E_REGISTRY'
  | 'E_AUTH'
  | 'E_TLS'
  | 'E_NETWORK'
  | 'E_SYMLINK_LOOP'
  | 'E_CACHE'
  | 'E_LOCKED'
  | 'E_ABORTED'
  | 'E_SERVER'
  | 'E_TIMEOUT'
  | 'E_STORE';

export interface ErrorOptions {
  cause?: unknown;
  hint?: string;
}

export class ShipshapeError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** Bad command-line usage or options. */
export class UsageError extends ShipshapeError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_USAGE', message, options);
  }
}

/** A file, blob, image, tag or repository that is not there. */
export class NotFoundError extends ShipshapeError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_NOT_FOUND', message, options);
  }
}

/** An output file that cannot be written (`-o` into a missing directory, no permission). */
export class OutputError extends ShipshapeError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_OUTPUT', message, options);
  }
}

/** Content whose digest is not the one it was addressed by. */
export class DigestMismatchError extends ShipshapeError {
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super('E_DIGEST_MISMATCH', `${what}: digest mismatch: expected ${expected}, got ${actual}`, {
      hint: 'the content was altered or corrupted in storage or in transit; do not trust it',
    });
  }
}

/** Content whose length is not the one its descriptor declares. */
export class SizeMismatchError extends ShipshapeError {
  constructor(what: string, expected: number, actual: number) {
    super('E_SIZE_MISMATCH', `${what}: size mismatch: descriptor says ${expected} bytes, got ${actual}`);
  }
}

/** Truncated or malformed archives, compressed streams, JSON documents. */
export class CorruptInputError extends ShipshapeError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_CORRUPT', message, options);
  }
}

/** A path that would escape the image root (`..`, absolute, too long). */
export class UnsafePathError extends ShipshapeError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_UNSAFE_PATH', message, options);
  }
}

/** A configured bound was exceeded: decompressed size, entry count, document size. */
export class LimitExceededError extends ShipshapeError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_LIMIT', message, options);
  }
}

/** Valid input that Shipshape does not (or will not) handle, e.g. schema1 manifests. */
export class UnsupportedError extends ShipshapeError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_UNSUPPORTED', message, options);
  }
}

/** A manifest, index or config that does not follow the OCI / Docker schemas. */
export class ManifestError extends ShipshapeError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_MANIFEST', message, options);
  }
}

/** A registry that answered with an error status or with content that is not what the API defines. */
export class RegistryError extends ShipshapeError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_REGISTRY', message, options);
  }
}

/** Authentication or authorization failed; messages name the registry and method, never secrets. */
export class AuthError extends ShipshapeError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_AUTH', message, options);
  }
}

/** TLS handshake or certificate verification failed. */
export class TlsError extends ShipshapeError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_TLS', message, options);
  }
}

/** Connection refused, DNS failure, timeout, reset. */
export class NetworkError extends ShipshapeError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_NETWORK', message, options);
  }
}

/** Symlink resolution that loops or exceeds the hop limit. */
export class SymlinkLoopError extends ShipshapeError {
  constructor(
    readonly path: string,
    hops: number,
  ) {
    super('E_SYMLINK_LOOP', `${path}: too many levels of symbolic links (more than ${hops} hops)`);
  }
}

/** The operation was cancelled through its AbortSignal. */
export class AbortedError extends ShipshapeError {
  constructor(options?: ErrorOptions) {
    super('E_ABORTED', 'operation cancelled', options);
  }
}

export function isShipshapeError(error: unknown): error is ShipshapeError {
  return error instanceof ShipshapeError;
}

/** The message of any thrown value, for wrapping foreign errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
