import { LimitExceededError, messageOf } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { baseName, parentOf, type FileEntry, type FileType, type LayerScan } from './entry.js';
import { normaliseEntryPath } from './tar-path.js';
import type { CaptureRequest, TarEntryHeader } from '../tar/stream-parser.js';
import { hasContent, type LayerAnalysis, type LayerFileVisitor } from './visitor.js';

export const whiteoutPrefix = '.wh.';
const opaqueMarker = '.wh..wh..opq';

/** Tar typeflags of the file types an image can hold. */
const fileTypes: Record<string, FileType> = {
  '0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

/**
 * Records a layer's entries as they come — from a tar stream (`scanLayer`) or a directory walk
 * (`scanLayerDirectory`) — with its whiteouts, opaque directories and bounds, and hands the files the
 * visitors ask for to them.
 */
export class EntryCollector {
  private readonly entries: FileEntry[] = [];
  private readonly byPath = new Map<string, number>();
  private readonly whiteouts: string[] = [];
  private readonly opaqueDirs: string[] = [];
  private readonly warnings: string[] = [];
  private readonly analyses: LayerAnalysis[] = [];
  /** Entries whose content was asked for, with the visitors that want them. */
  private readonly wanted = new Map<TarEntryHeader, { entry: FileEntry; visitors: LayerFileVisitor[] }>();
  private count = 0;

  constructor(
    private readonly what: string,
    private readonly limits: Limits,
    private readonly visitors: readonly LayerFileVisitor[],
  ) {}

  add(header: TarEntryHeader): CaptureRequest | undefined {
    if (++this.count > this.limits.maxEntries) {
      throw new LimitExceededError(`${this.what} has more than ${this.limits.maxEntries} entries`);
    }
    const path = normaliseEntryPath(header.name, this.limits.maxPathBytes, this.what);
    if (path === '/') return undefined; // the root directory entry itself
    const name = baseName(path);
    if (name.startsWith(whiteoutPrefix)) {
      this.addWhiteout(path, name);
      return undefined;
    }
    const type = fileTypes[header.typeflag];
    if (!type) {
      this.warnings.push(`entry ${path} has tar type ${JSON.stringify(header.typeflag)}, which images do not use; skipped`);
      return undefined;
    }
    const entry: FileEntry = { path, type, size: type === 'file' ? header.size : 0, mode: header.mode, uid: header.uid, gid: header.gid };
    if (type === 'symlink') entry.linkTarget = header.linkname;
    if (type === 'hardlink') this.linkHard(entry, header.linkname);
    const existing = this.byPath.get(path);
    if (existing === undefined) {
      this.byPath.set(path, this.entries.length);
      this.entries.push(entry);
    } else {
      this.entries[existing] = entry; // a path written twice: the later entry is what extraction leaves
    }
    return type === 'file' ? this.request(entry, header) : undefined;
  }

  /** Asks for a file's content if a visitor wants it and it is within that visitor's size limit. */
  private request(entry: FileEntry, header: TarEntryHeader): CaptureRequest | undefined {
    const visitors = this.visitors.filter((visitor) => {
      if (!visitor.required(entry.path, entry)) return false;
      if (entry.size <= visitor.maxBytes) return true;
      this.analyses.push({
        analyzer: visitor.id,
        path: entry.path,
        error: `${entry.size} bytes, over the analyser's limit of ${visitor.maxBytes}; not read`,
      });
      return false;
    });
    if (visitors.length === 0) return undefined;
    this.wanted.set(header, { entry, visitors });
    // sniff by magic only when every visitor asks for the same one
    const magics = new Set(visitors.map((v) => v.magic?.toString('latin1')));
    const [magic] = magics;
    return { magic: magics.size === 1 && magic !== undefined ? Buffer.from(magic, 'latin1') : undefined };
  }

  /** Hands a captured file to the visitors that asked for it. Their failures are recorded, never thrown. */
  content(header: TarEntryHeader, content: Buffer): void {
    const wanted = this.wanted.get(header);
    if (!wanted) return;
    this.wanted.delete(header);
    const { entry } = wanted;
    for (const visitor of wanted.visitors) {
      if (visitor.magic && !content.subarray(0, visitor.magic.length).equals(visitor.magic)) continue;
      try {
        const output = visitor.analyze({ path: entry.path, entry, content });
        if (hasContent(output)) this.analyses.push({ analyzer: visitor.id, path: entry.path, output });
      } catch (error) {
        this.analyses.push({ analyzer: visitor.id, path: entry.path, error: `the analyser failed: ${messageOf(error)}` });
      }
    }
  }

  /** A problem that does not stop the read (a file that could not be read, a socket). */
  warn(message: string): void {
    this.warnings.push(message);
  }

  private addWhiteout(path: string, name: string): void {
    if (name === opaqueMarker) this.opaqueDirs.push(parentOf(path));
    else if (name.startsWith(`${whiteoutPrefix}${whiteoutPrefix}`))
      return; // AUFS metadata (.wh..wh.plnk, .wh..wh.aufs)
    else if (name === whiteoutPrefix) this.warnings.push(`invalid whiteout ${path} (no name after .wh.) ignored`);
    else this.whiteouts.push(`${parentOf(path) === '/' ? '' : parentOf(path)}/${name.slice(whiteoutPrefix.length)}`);
  }

  /** Hard links name another path of the same layer; they share its content, so its size. */
  private linkHard(entry: FileEntry, linkName: string): void {
    const target = normaliseEntryPath(linkName, this.limits.maxPathBytes, `${this.what}: hard link ${entry.path}`);
    entry.linkTarget = target;
    const index = this.byPath.get(target);
    const linked = index === undefined ? undefined : this.entries[index];
    if (linked?.type === 'file' || linked?.type === 'hardlink') entry.size = linked.size;
    else this.warnings.push(`hard link ${entry.path} points to ${target}, which is not a file earlier in this layer`);
  }

  result(): Pick<LayerScan, 'entries' | 'whiteouts' | 'opaqueDirs' | 'warnings' | 'analyses'> {
    return { entries: this.entries, whiteouts: this.whiteouts, opaqueDirs: this.opaqueDirs, warnings: this.warnings, analyses: this.analyses };
  }
}
