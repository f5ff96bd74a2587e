import { UnsafePathError } from '../../core/errors.js';

/**
 * Turns a layer tar entry name into an absolute image path (`./usr/bin/` → `/usr/bin`), rejecting
 * names that could escape the image root: absolute paths, `..` segments, NUL bytes, over-long names.
 * Returns `/` for the root entry itself.
 */
export function normaliseEntryPath(name: string, maxBytes: number, what: string): string {
  if (name.includes('\0')) throw new UnsafePathError(`${what}: entry name contains a NUL byte`);
  if (Buffer.byteLength(name) > maxBytes) throw new UnsafePathError(`${what}: entry name longer than ${maxBytes} bytes`);
  if (name.startsWith('/')) throw new UnsafePathError(`${what}: entry ${JSON.stringify(name)} has an absolute path`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '..') throw new UnsafePathError(`${what}: entry ${JSON.stringify(name)} contains "..", which could escape the image root`);
    if (part !== '' && part !== '.') parts.push(part);
  }
  return `/${parts.join('/')}`;
}
