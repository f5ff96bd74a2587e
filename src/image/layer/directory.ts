import { constants, type BigIntStats } from 'node:fs';
import { lstat, open, opendir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AbortedError, LimitExceededError, messageOf } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { TarEntryHeader } from '../tar/stream-parser.js';
import { EntryCollector, whiteoutPrefix } from './collector.js';
import type { LayerScan } from './entry.js';
import type { LayerFileVisitor } from './visitor.js';

export interface DirectoryLayerOptions {
  /** Names the layer in messages: `the writable layer of container 3f2a…`. */
  what: string;
  limits: Limits;
  /** Read the files these visitors ask for, and keep what they find. */
  visitors?: readonly LayerFileVisitor[] | undefined;
  signal?: AbortSignal | undefined;
  /** Whether a 0/0 character device is an overlayfs whiteout (default) or, in a complete tree, just a device. */
  overlayWhiteouts?: boolean | undefined;
}

/**
 * Reads a layer that lies unpacked in a directory — an overlayfs layer or upper directory, as Docker's
 * overlay2 and containers/storage's overlay drivers keep them — as `scanLayer` reads a tar: the same
 * entries, whiteouts, bounds and visitors. Overlayfs marks a deleted path with a character device 0/0;
 * it becomes the whiteout it stands for. Nothing is followed: a symbolic link is an entry, its
 * target only text.
 */
export async function scanLayerDirectory(dir: string, options: DirectoryLayerOptions): Promise<LayerScan> {
  const layer = new DirectoryLayer(options);
  await layer.walk(dir, '', undefined);
  return layer.result();
}

/**
 * What the full tree `changed` holds that the full tree `base` does not, as one layer — for storage
 * drivers that keep each layer as a complete copy (containers/storage `vfs`). A path counts as changed
 * as containers/storage's own diff counts it: another type, mode, owner or device, and for all but
 * directories another size, modification time (to the nanosecond) or link target.
 */
export async function scanTreeChanges(changed: string, base: string, options: DirectoryLayerOptions): Promise<LayerScan> {
  const layer = new DirectoryLayer(options);
  await layer.walk(changed, '', base);
  return layer.result();
}

const typeflags: [test: (info: BigIntStats) => boolean, flag: string][] = [
  [(info) => info.isFile(), '0'],
  [(info) => info.isDirectory(), '5'],
  [(info) => info.isSymbolicLink(), '2'],
  [(info) => info.isCharacterDevice(), '3'],
  [(info) => info.isBlockDevice(), '4'],
  [(info) => info.isFIFO(), '6'],
];

class DirectoryLayer {
  private readonly collector: EntryCollector;
  private bytes = 0;

  constructor(private readonly options: DirectoryLayerOptions) {
    this.collector = new EntryCollector(options.what, options.limits, options.visitors ?? []);
  }

  /** Records the directory `dir/relative`; with `base`, only what differs from `base/relative` (and what `base` has that it lacks, as whiteouts). */
  async walk(dir: string, relative: string, base: string | undefined): Promise<void> {
    // iterative, so that a deep tree cannot exhaust the stack; paths are bounded by maxPathBytes
    const pending: { path: string; compared: boolean }[] = [{ path: relative, compared: base !== undefined }];
    while (pending.length > 0) {
      if (this.options.signal?.aborted) throw new AbortedError();
      const current = pending.pop() as { path: string; compared: boolean };
      const names = await this.names(join(dir, current.path));
      // the same directory in the base tree: what it has that this one lacks was deleted
      const baseNames = current.compared && base !== undefined ? new Set(await this.names(join(base, current.path))) : undefined;
      if (baseNames !== undefined) {
        const present = new Set(names);
        for (const gone of baseNames) if (!present.has(gone)) this.add({ ...emptyHeader, name: `${current.path}${whiteoutPrefix}${gone}` });
      }
      for (const name of names) {
        const path = `${current.path}${name}`;
        const info = await lstat(join(dir, path), { bigint: true });
        const before = baseNames?.has(name) ? await lstat(join(base as string, path), { bigint: true }) : undefined;
        if (info.isDirectory()) pending.push({ path: `${path}/`, compared: before?.isDirectory() === true });
        if (before !== undefined && !differs(info, before)) continue;
        if (base === undefined && this.options.overlayWhiteouts !== false && isOverlayWhiteout(info)) {
          this.add({ ...emptyHeader, name: `${current.path}${whiteoutPrefix}${name}` });
          continue;
        }
        await this.entry(join(dir, path), path, info);
      }
    }
  }

  result(): LayerScan {
    return { diffId: '', uncompressedSize: this.bytes, ...this.collector.result() };
  }

  private async names(dir: string): Promise<string[]> {
    const names: string[] = [];
    for await (const entry of await opendir(dir)) {
      if (names.length >= this.options.limits.maxEntries)
        throw new LimitExceededError(`${this.options.what} has more than ${this.options.limits.maxEntries} entries`);
      names.push(entry.name);
    }
    return names.sort();
  }

  private async entry(onDisk: string, path: string, info: BigIntStats): Promise<void> {
    const typeflag = typeflags.find(([test]) => test(info))?.[1];
    if (typeflag === undefined) {
      this.collector.warn(`${path}: a socket, which a layer cannot hold; skipped`);
      return;
    }
    const size = typeflag === '0' ? Number(info.size) : 0;
    this.bytes += size;
    const header: TarEntryHeader = {
      name: path,
      typeflag,
      size,
      mode: Number(info.mode) & 0o7777,
      uid: Number(info.uid),
      gid: Number(info.gid),
      linkname: typeflag === '2' ? await readlink(onDisk) : '',
    };
    const request = this.add(header);
    if (request === undefined) return;
    try {
      const content = await readHead(onDisk, size, request.magic);
      if (content !== undefined) this.collector.content(header, content);
    } catch (error) {
      this.collector.warn(`${path}: could not be read (${messageOf(error)})`);
    }
  }

  private add(header: TarEntryHeader): ReturnType<EntryCollector['add']> {
    return this.collector.add(header);
  }
}

const emptyHeader: TarEntryHeader = { name: '', typeflag: '0', size: 0, mode: 0, uid: 0, gid: 0, linkname: '' };

/** overlayfs's whiteout: a character device with device number 0/0. */
function isOverlayWhiteout(info: BigIntStats): boolean {
  return info.isCharacterDevice() && info.rdev === 0n;
}

function differs(now: BigIntStats, before: BigIntStats): boolean {
  const typeOf = (info: BigIntStats): string | undefined => typeflags.find(([test]) => test(info))?.[1];
  if (typeOf(now) !== typeOf(before) || now.mode !== before.mode || now.uid !== before.uid || now.gid !== before.gid || now.rdev !== before.rdev) return true;
  // a directory's size and time change with its entries: its children say what changed
  return !now.isDirectory() && (now.size !== before.size || now.mtimeNs !== before.mtimeNs);
}

/**
 * A file's bytes for the visitors: none when it does not start with `magic`; at most the size seen
 * when it was listed (a file that grew since is refused, not read on). Opened without following a
 * link or blocking on a FIFO swapped in since.
 */
async function readHead(path: string, size: number, magic: Buffer | undefined): Promise<Buffer | undefined> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const info = await handle.stat();
    if (!info.isFile()) return undefined;
    if (info.size > size) throw new LimitExceededError(`it grew from ${size} to ${info.size} bytes while being read`);
    const content = Buffer.alloc(info.size);
    let filled = 0;
    const fill = async (until: number): Promise<void> => {
      while (filled < until) {
        const { bytesRead } = await handle.read(content, filled, until - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
    };
    if (magic !== undefined) {
      await fill(Math.min(magic.length, content.length));
      if (!content.subarray(0, filled).equals(magic)) return undefined;
    }
    await fill(content.length);
    return content.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
