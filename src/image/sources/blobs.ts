import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { NotFoundError } from '../../core/errors.js';
import { DigestingStream, parseDigest, verifyBuffer } from '../digest.js';
import { imageConfigSchema, parseJson, validate, type Descriptor, type ImageConfig } from '../schema.js';
import type { ArchiveFiles } from './archive-files.js';

/** `blobs/<algorithm>/<hex>`: the content-addressed path of a blob in an OCI layout. */
export function blobPath(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `blobs/${algorithm}/${hex}`;
}

/** Reads a small blob (manifest, index, config) and checks it against its descriptor. */
export async function readVerifiedBlob(files: ArchiveFiles, descriptor: Descriptor, what: string, maxBytes: number): Promise<Buffer> {
  const name = blobPath(descriptor.digest);
  if (!(await files.has(name))) {
    throw new NotFoundError(`${files.location}: ${what} ${descriptor.digest} is missing (no ${name})`);
  }
  const data = await files.read(name, maxBytes);
  verifyBuffer(`${what} ${descriptor.digest}`, data, descriptor);
  return data;
}

/** Opens a stream of a file that fails at its end unless its digest (and size, if known) match. */
export function openVerified(files: ArchiveFiles, name: string, what: string, expected: { digest?: string; size?: number }): Readable {
  const verifier = new DigestingStream(what, expected);
  return pipeline(files.open(name), verifier, () => {
    // errors propagate through the returned stream; nothing to clean up here
  });
}

/** Parses and validates an image config document. */
export function parseImageConfig(what: string, data: Buffer): ImageConfig {
  return validate(what, imageConfigSchema, parseJson(what, data));
}
