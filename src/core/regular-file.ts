import { constants, fstatSync, openSync, readSync, closeSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { LimitExceededError, UnsupportedError } from './errors.js';

// Paths named by untrusted input (an include, a file found in a walk) are opened without blocking
// — opening a FIFO for reading otherwise waits for a writer forever — and read only when the open
// file is a regular one: checked on the descriptor, so nothing can swap the path in between.
const flags = constants.O_RDONLY | constants.O_NONBLOCK;

function check(info: Stats, maxBytes: number, limitName: string): void {
  if (!info.isFile()) throw new UnsupportedError('not a regular file (a FIFO, socket, device or directory)');
  if (info.size > maxBytes) throw new LimitExceededError(`${info.size} bytes, more than the ${maxBytes}-byte ${limitName} limit`);
}

/**
 * A regular file's bytes, at most `maxBytes` (`limitName` names the bound in the error). Anything
 * else — a FIFO, a device, a socket, a directory — is an UnsupportedError, found without blocking.
 * Error messages say what is wrong, not which file: the caller names it (as its user knows it).
 */
export async function readRegularFile(file: string, maxBytes: number, limitName: string): Promise<Buffer> {
  const handle = await open(file, flags);
  try {
    const info = await handle.stat();
    check(info, maxBytes, limitName);
    const buffer = Buffer.alloc(info.size);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** `readRegularFile`, synchronously (for readers that call back synchronously, like GitLab's includes). */
export function readRegularFileSync(file: string, maxBytes: number, limitName: string): Buffer {
  const fd = openSync(file, flags);
  try {
    const info = fstatSync(fd);
    check(info, maxBytes, limitName);
    const buffer = Buffer.alloc(info.size);
    let filled = 0;
    while (filled < buffer.length) {
      const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}
