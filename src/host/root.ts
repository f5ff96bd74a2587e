import { constants, type Stats } from 'node:fs';
import { lstat, open, opendir, readlink } from 'node:fs/promises';
import { posix, resolve as resolvePath } from 'node:path';
import { LimitExceededError, SymlinkLoopError, UnsupportedError, messageOf } from '../core/errors.js';

/** Most symbolic links followed while resolving one host path (the kernel's own bound). */
const maxHops = 40;
/** Most names read from one directory of engine state (containers, layers). */
export const maxDirectoryNames = 100_000;

/**
 * A host's filesystem mounted at `dir` (`/` for the host itself; a snapshot or a DaemonSet's read-only
 * hostPath otherwise). Host paths (`/etc/docker/daemon.json`) are resolved as if `dir` were `/`: a
 * symbolic link on the way (`/var/lib/docker` → `/data/docker`, or `../../../etc/shadow`) is followed
 * inside the root and can never lead out of it, however it is written. Reads are bounded and never
 * block on a FIFO.
 */
export class HostRoot {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolvePath(dir);
  }

  /** The path on this machine of a host path, with no link resolved (for messages and walks below a resolved directory). */
  onDisk(hostPath: string): string {
    const normal = posix.normalize(`/${hostPath}`);
    return this.dir === '/' ? normal : posix.join(this.dir, normal);
  }

  /**
   * The path on this machine that a host path leads to, every link on the way followed inside the
   * root; undefined when some part of it does not exist. With `followLast: false` the last name is
   * not followed (to lstat a link itself).
   */
  async resolve(hostPath: string, followLast = true): Promise<string | undefined> {
    const pending = splitHostPath(hostPath);
    const done: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.shift() as string;
      if (name === '..') {
        done.pop(); // `..` at the root stays at the root, as in the kernel
        continue;
      }
      const candidate = this.onDisk(`/${[...done, name].join('/')}`);
      const info = await lstatOrUndefined(candidate);
      if (info === undefined) return undefined;
      if (!info.isSymbolicLink() || (!followLast && pending.length === 0)) {
        done.push(name);
        continue;
      }
      if (++hops > maxHops) throw new SymlinkLoopError(hostPath, maxHops);
      const target = await readlink(candidate);
      if (target.startsWith('/')) done.length = 0;
      // a link's target is at most PATH_MAX (4096) bytes: a bounded number of names
      pending.splice(0, 0, ...splitHostPath(target));
    }
    return this.onDisk(`/${done.join('/')}`);
  }

  /** lstat of a host path (its last name not followed); undefined when it does not exist. */
  async lstat(hostPath: string): Promise<Stats | undefined> {
    const path = await this.resolve(hostPath, false);
    return path === undefined ? undefined : lstatOrUndefined(path);
  }

  /** stat of what a host path leads to; undefined when it does not exist. */
  async stat(hostPath: string): Promise<Stats | undefined> {
    const path = await this.resolve(hostPath);
    return path === undefined ? undefined : lstatOrUndefined(path);
  }

  /**
   * A regular file's bytes and its stat, at most `maxBytes`; undefined when it does not exist. A FIFO,
   * device or directory is an UnsupportedError, a larger file a LimitExceededError.
   */
  async readFile(hostPath: string, maxBytes: number): Promise<{ content: Buffer; info: Stats } | undefined> {
    const path = await this.resolve(hostPath);
    return path === undefined ? undefined : readBounded(path, maxBytes);
  }

  /** The names in a host directory (sorted, at most `max`); undefined when it does not exist or is not a directory. */
  async list(hostPath: string, max = maxDirectoryNames): Promise<string[] | undefined> {
    const path = await this.resolve(hostPath);
    return path === undefined ? undefined : listBounded(path, max, hostPath);
  }
}

/**
 * A regular file's bytes and stat, opened without following a final symbolic link and without
 * blocking; checked on the descriptor, so nothing can swap the path in between.
 */
async function readBounded(path: string, maxBytes: number): Promise<{ content: Buffer; info: Stats } | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    if (isMissing(error)) return undefined;
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsupportedError('a symbolic link where a file was expected');
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UnsupportedError('not a regular file (a FIFO, socket, device or directory)');
    if (info.size > maxBytes) throw new LimitExceededError(`${info.size} bytes, more than the ${maxBytes}-byte limit for this file`);
    // procfs and sysfs files say they are empty and are not: those are read to their end, bounded all the same
    const content = Buffer.alloc(info.size === 0 ? Math.min(maxBytes, 64 * 1024) : info.size);
    let filled = 0;
    while (filled < content.length) {
      const { bytesRead } = await handle.read(content, filled, content.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { content: content.subarray(0, filled), info };
  } finally {
    await handle.close();
  }
}

/** A directory's names, sorted, at most `max` (more is a LimitExceededError naming `what`). */
export async function listBounded(path: string, max: number, what: string): Promise<string[] | undefined> {
  let dir;
  try {
    dir = await opendir(path);
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new UnsupportedError(`${what}: ${messageOf(error)}`);
  }
  const names: string[] = [];
  // iterated, not read whole: a directory of millions of names stops at the bound
  for await (const entry of dir) {
    if (names.length === max) throw new LimitExceededError(`${what} holds more than ${max} names`);
    names.push(entry.name);
  }
  return names.sort();
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function splitHostPath(path: string): string[] {
  return path.split('/').filter((name) => name !== '' && name !== '.');
}
