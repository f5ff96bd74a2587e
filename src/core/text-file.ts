import { open, readFile } from 'node:fs/promises';
import { LimitExceededError, NotFoundError, UsageError, messageOf } from './errors.js';

export interface ReadTextFileOptions {
  /** What the file should be, for messages: `a Dockerfile`. */
  what: string;
  /** Largest size read, in bytes. */
  maxBytes: number;
  /** The limit's name in `src/core/limits.ts`, so the message says which bound was met. */
  limitName: string;
  /** The file usually found in a directory given by mistake (`Dockerfile`), for the hint. */
  usualName: string;
}

/**
 * Reads a file the user gave as text, refusing what is not: a directory, more than `maxBytes`
 * (read no further than that, so a device or a pipe cannot stream forever), NUL bytes, or bytes
 * that are not UTF-8. Each is a one-line error naming the file.
 */
export async function readTextFile(file: string, options: ReadTextFileOptions): Promise<string> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw new NotFoundError(`cannot read ${file}: ${messageOf(error)}`, { cause: error });
  });
  let bytes: Buffer;
  try {
    if ((await handle.stat()).isDirectory())
      throw new UsageError(`${file} is a directory, not ${options.what}`, {
        hint: `give the file inside it, e.g. ${file.replace(/\/$/, '')}/${options.usualName}`,
      });
    bytes = await readAtMost(handle, options.maxBytes + 1, file);
  } finally {
    await handle.close();
  }
  if (bytes.length > options.maxBytes) {
    throw new LimitExceededError(`${file} is larger than ${options.maxBytes} bytes, the limit for ${options.what} (${options.limitName})`);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new UsageError(`${file} is not ${options.what}: it is binary (a NUL byte at offset ${nul}), not text`);
  const text = decodeUtf8(bytes);
  if (text === undefined) throw new UsageError(`${file} is not ${options.what}: it is not UTF-8 text`);
  return text;
}

async function readAtMost(handle: Awaited<ReturnType<typeof open>>, limit: number, file: string): Promise<Buffer> {
  const buffer = Buffer.alloc(limit);
  let filled = 0;
  while (filled < limit) {
    const { bytesRead } = await handle.read(buffer, filled, limit - filled, null).catch((error: unknown) => {
      throw new NotFoundError(`cannot read ${file}: ${messageOf(error)}`, { cause: error });
    });
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** The text of UTF-8 bytes (a leading byte-order mark dropped); undefined when they are not UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A file of the input as text; bytes that are not UTF-8 make it `unreadable` (kubectl and docker
 * compose refuse them too), never text with replacement characters. A file that cannot be read at
 * all is a NotFoundError naming it.
 */
export async function readInputText(file: string): Promise<{ text: string; unreadable?: string }> {
  const bytes = await readFile(file).catch((error: unknown) => {
    throw new NotFoundError(`cannot read ${file}: ${messageOf(error)}`, { cause: error });
  });
  const text = decodeUtf8(bytes);
  return text === undefined ? { text: '', unreadable: 'not UTF-8 text' } : { text };
}
