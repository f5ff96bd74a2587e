import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DigestMismatchError, ManifestError, SizeMismatchError } from '../core/errors.js';

/** Digest algorithms the OCI image spec registers. */
export type DigestAlgorithm = 'sha256' | 'sha512';

const encodedLength: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

/** Parses `sha256:<64 hex>` / `sha512:<128 hex>`; anything else is a ManifestError (digests come from manifests). */
export function parseDigest(digest: string): ParsedDigest {
  const match = /^(sha256|sha512):([a-f0-9]+)$/.exec(digest);
  const algorithm = match?.[1] as DigestAlgorithm | undefined;
  const hex = match?.[2];
  if (!algorithm || !hex || hex.length !== encodedLength[algorithm]) {
    throw new ManifestError(`invalid or unsupported digest ${JSON.stringify(digest)}`);
  }
  return { algorithm, hex };
}

export function isDigest(value: string): boolean {
  return /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/.test(value);
}

export function digestOf(data: Buffer | string, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** Checks a whole in-memory blob against its descriptor. */
export function verifyBuffer(what: string, data: Buffer, expected: { digest: string; size?: number }): void {
  if (expected.size !== undefined && data.length !== expected.size) {
    throw new SizeMismatchError(what, expected.size, data.length);
  }
  const { algorithm } = parseDigest(expected.digest);
  const actual = digestOf(data, algorithm);
  if (actual !== expected.digest) throw new DigestMismatchError(what, expected.digest, actual);
}

/**
 * A pass-through stream that hashes what flows through it and, at the end, fails with a typed error
 * if the digest or length differ from what was expected. With no expectation it only measures,
 * which gives the digest of content whose digest was not known in advance.
 */
export class DigestingStream extends Transform {
  private readonly hash: Hash;
  private readonly algorithm: DigestAlgorithm;
  private bytes = 0;
  private result: string | undefined;

  constructor(
    private readonly what: string,
    private readonly expected: { digest?: string; size?: number } = {},
  ) {
    super();
    // an empty or malformed expected digest is an invalid document, never "nothing to verify"
    this.algorithm = expected.digest !== undefined ? parseDigest(expected.digest).algorithm : 'sha256';
    this.hash = createHash(this.algorithm);
  }

  /** Bytes seen so far. */
  get byteCount(): number {
    return this.bytes;
  }

  /** The digest of everything that passed, once the stream has ended. */
  get digest(): string {
    if (this.result === undefined) throw new Error(`${this.what}: digest read before the stream ended`);
    return this.result;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const { size } = this.expected;
    if (size !== undefined && this.bytes > size) {
      callback(new SizeMismatchError(this.what, size, this.bytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.result = `${this.algorithm}:${this.hash.digest('hex')}`;
    const { digest, size } = this.expected;
    if (size !== undefined && this.bytes !== size) {
      callback(new SizeMismatchError(this.what, size, this.bytes));
    } else if (digest !== undefined && this.result !== digest) {
      callback(new DigestMismatchError(this.what, digest, this.result));
    } else {
      callback();
    }
  }
}
