import type { Stats } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { LimitExceededError, isShipshapeError, messageOf } from '../../core/errors.js';
import type { HostRoot } from '../root.js';
import { parseContent } from './parse.js';
import type { HostConfigFile, HostConfigKind, HostFileType } from './rule.js';

/** Most bytes read of one configuration file: engine configs are a few KiB. */
const maxConfigBytes = 1024 * 1024;
/** Most names read from one drop-in or certificate directory. */
const maxDirectoryEntries = 200;

/**
 * Reads engine configuration from a host root into HostConfigFiles, and words what it cannot read as
 * problems (never thrown, never dropped). Everything goes through HostRoot: links are followed only
 * inside the root, FIFOs never block, sizes are bounded. Nothing is executed.
 */
export class HostReader {
  readonly files: HostConfigFile[] = [];
  readonly problems: string[] = [];
  /** device:inode of what was added: `/var/run` is usually a link to `/run`, `/lib` to `/usr/lib`. */
  private readonly seen = new Set<string>();

  constructor(private readonly root: HostRoot) {}

  /** A file's text, parsed for its kind; undefined when nothing is there. What cannot be read or parsed is kept with `unknown` set. */
  async read(kind: HostConfigKind, path: string): Promise<HostConfigFile | undefined> {
    let read: { content: Buffer; info: Stats } | undefined;
    try {
      read = await this.root.readFile(path, maxConfigBytes);
    } catch (error) {
      const unknown = this.problem(`${path}: not read (${reasonOf(error, path)})`);
      // it still has an owner and a mode, which the permission rules check
      return this.stat(kind, path, () => true, unknown);
    }
    if (read === undefined || !this.isNew(read.info)) return undefined;
    const text = read.content.toString('utf8');
    const content = parseContent(kind, text);
    const unknown = 'error' in content ? this.problem(`${path}: ${content.error}`) : undefined;
    return this.add({ kind, path, ...ownership(read.info), text, parsed: 'parsed' in content ? content.parsed : undefined, unknown });
  }

  /** What is at `path` (links followed inside the root), without opening it: sockets, directories, key files. Kept only when `wanted`. */
  async stat(kind: HostConfigKind, path: string, wanted: (info: Stats) => boolean, unknown?: string): Promise<HostConfigFile | undefined> {
    let info: Stats | undefined;
    try {
      info = await this.root.stat(path);
    } catch (error) {
      if (unknown === undefined) this.problem(`${path}: not examined (${reasonOf(error, path)})`);
      return undefined;
    }
    if (info === undefined || !wanted(info) || !this.isNew(info)) return undefined;
    return this.add({ kind, path, ...ownership(info), unknown });
  }

  /** The names in a directory (sorted); none when it is missing, or holds more than `maxDirectoryEntries` (a problem). */
  async list(dir: string): Promise<string[]> {
    try {
      return (await this.root.list(dir, maxDirectoryEntries)) ?? [];
    } catch (error) {
      const reason = error instanceof LimitExceededError ? `more than ${maxDirectoryEntries} entries` : reasonOf(error, dir);
      this.problem(`${dir}: not read (${reason}): the configuration in it is unknown`);
      return [];
    }
  }

  /** Whether a unit file is masked: a link to /dev/null (its target read, never followed out of the root). */
  async isMasked(path: string): Promise<boolean> {
    try {
      const info = await this.root.lstat(path);
      const dir = info?.isSymbolicLink() ? await this.root.resolve(posix.dirname(path)) : undefined;
      return dir !== undefined && (await readlink(posix.join(dir, posix.basename(path)))) === '/dev/null';
    } catch {
      return false; // then reading it says what is wrong
    }
  }

  private isNew(info: Stats): boolean {
    const key = `${info.dev}:${info.ino}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  private add(file: HostConfigFile): HostConfigFile {
    this.files.push(file);
    return file;
  }

  private problem(text: string): string {
    this.problems.push(text);
    return text;
  }
}

function ownership(info: Stats): { type: HostFileType; mode: number; uid: number; gid: number } {
  const type: HostFileType = info.isFile() ? 'file' : info.isSocket() ? 'socket' : info.isDirectory() ? 'dir' : 'other';
  return { type, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
}

/**
 * Why something could not be read, in our words: our own errors' messages (without the path they may
 * repeat), and for system errors their description (`permission denied`), not Node's text with the
 * path on this machine.
 */
function reasonOf(error: unknown, path: string): string {
  const message = messageOf(error);
  const own = message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
  const system = /(?:^|: )E[A-Z]+: ([^,]+)/.exec(own);
  if (system) return system[1] ?? own;
  return isShipshapeError(error) ? own : (own.split('\n')[0] ?? own);
}
