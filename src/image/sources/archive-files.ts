import { createReadStream, realpathSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { CorruptInputError, LimitExceededError, NotFoundError, UnsafePathError } from '../../core/errors.js';
import type { TarIndex } from './tar-index.js';

/** Named files of an image archive or layout, whether they live in a tar or in a directory. */
export interface ArchiveFiles {
  /** The archive or directory, for messages. */
  readonly location: string;
  has(name: string): Promise<boolean>;
  /** Size in bytes of an existing file. */
  size(name: string): Promise<number>;
  /** The first `length` bytes (fewer if the file is shorter), to sniff compression. */
  head(name: string, length: number): Promise<Buffer>;
  open(name: string): Readable;
  read(name: string, maxBytes: number): Promise<Buffer>;
}

export function tarFiles(index: TarIndex): ArchiveFiles {
  return {
    location: index.file,
    has: async (name) => index.has(name),
    size: async (name) => index.memberSize(name),
    head: (name, length) => index.readMember(name, Number.MAX_SAFE_INTEGER, length),
    open: (name) => index.openMember(name),
    read: (name, maxBytes) => index.readMember(name, maxBytes),
  };
}

/**
 * Files under a directory; names must stay inside it (they come from untrusted manifests), and so
 * must what they resolve to: a symlink in the layout (`blobs/sha256/<hex>`, `index.json`,
 * `oci-layout`) may point anywhere on the host, so it is followed only when its target — every
 * link in the chain resolved — is inside the layout (`E_UNSAFE_PATH` otherwise). The resolved path
 * is what gets opened.
 */
export function directoryFiles(root: string): ArchiveFiles {
  let realRoot: string | undefined;
  const resolve = (name: string): string => {
    if (name.split(/[\\/]/).includes('..') || path.isAbsolute(name)) {
      throw new UnsafePathError(`${root}: refusing to read ${JSON.stringify(name)}, which is outside the layout`);
    }
    const joined = path.join(root, name);
    let real: string;
    try {
      real = realpathSync(joined);
    } catch {
      return joined; // missing (or a dangling link): the caller's stat or open says so
    }
    realRoot ??= realpathSync(root);
    if (real !== realRoot && !real.startsWith(`${realRoot}${path.sep}`)) {
      throw new UnsafePathError(`${root}: ${name} is a symbolic link to ${real}, outside the layout; refusing to follow it`);
    }
    return real;
  };
  return {
    location: root,
    has: async (name) => (await stat(resolve(name)).catch(() => undefined))?.isFile() === true,
    size: async (name) => (await stat(resolve(name))).size,
    async head(name, length) {
      const handle = await open(resolve(name), 'r');
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    open: (name) => createReadStream(resolve(name)),
    async read(name, maxBytes) {
      const file = resolve(name);
      const handle = await open(file, 'r').catch((error: unknown) => {
        throw new NotFoundError(`${root}: ${name} does not exist`, { cause: error });
      });
      try {
        const { size } = await handle.stat();
        if (size > maxBytes) throw new LimitExceededError(`${file} is ${size} bytes, over the ${maxBytes}-byte limit for documents`);
        const buffer = Buffer.alloc(size);
        const { bytesRead } = await handle.read(buffer, 0, size, 0);
        if (bytesRead !== size) throw new CorruptInputError(`${file} changed while it was read`);
        return buffer;
      } finally {
        await handle.close();
      }
    },
  };
}
