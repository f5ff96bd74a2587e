/**
 * rpm header blobs as the package database stores them (rpm's lib/header.c `headerImport`): no lead
 * and no magic, just
 *
 *     il (u32 BE)  dl (u32 BE)  il × entry { tag i32, type u32, offset i32, count u32 }  dl bytes of data
 *
 * The first entry is normally the immutable region (tag 63) that wraps what the package was signed
 * with; entries after the region ("dribbles", added at install) replace region entries of the same
 * tag. Only the tags the inventory needs are decoded, each one checked against the data store.
 */

/** rpm tag numbers (rpm's include/rpm/rpmtag.h). */
export const rpmTag = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  vendor: 1011,
  license: 1014,
  arch: 1022,
  oldFilenames: 1027,
  sourceRpm: 1044,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
  modularityLabel: 5096,
} as const;

/** rpm tag data types (rpmTagType). */
export const rpmType = {
  null: 0,
  char: 1,
  int8: 2,
  int16: 3,
  int32: 4,
  int64: 5,
  string: 6,
  bin: 7,
  stringArray: 8,
  i18nString: 9,
} as const;

/** The fields of one installed package's header that the inventory uses. */
export interface RpmHeader {
  name: string;
  version: string;
  release?: string | undefined;
  /** Absent when the header has no EPOCH tag. */
  epoch?: number | undefined;
  arch?: string | undefined;
  /** File name of the source rpm: `util-linux-2.32.1-42.el8_8.src.rpm`. */
  sourceRpm?: string | undefined;
  license?: string | undefined;
  vendor?: string | undefined;
  modularityLabel?: string | undefined;
  /** Absolute paths of the files, directories and ghosts the package owns, as `rpm -ql` lists them. */
  files: string[];
  /** Why `files` is empty although the header lists files (a list out of proportion to the header). */
  filesProblem?: string | undefined;
}

/** A header, or why it could not be read. */
export type HeaderResult = { ok: true; header: RpmHeader } | { ok: false; error: string };

interface IndexEntry {
  tag: number;
  type: number;
  offset: number;
  count: number;
}

const preambleBytes = 8;
const entryBytes = 16;
const wantedTags: ReadonlySet<number> = new Set(Object.values(rpmTag));

class HeaderError extends Error {}

/** Decodes an rpm header blob. Never throws: a malformed header is `{ ok: false, error }`. */
export function parseHeader(blob: Buffer): HeaderResult {
  try {
    return { ok: true, header: decode(blob) };
  } catch (error) {
    if (error instanceof HeaderError) return { ok: false, error: error.message };
    throw error;
  }
}

function decode(blob: Buffer): RpmHeader {
  if (blob.length < preambleBytes) throw new HeaderError(`${blob.length} bytes, shorter than a header's 8-byte preamble`);
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il === 0) throw new HeaderError('header has no index entries');
  // compare before multiplying so that huge counts cannot overflow into a plausible size
  const available = blob.length - preambleBytes;
  if (il > available / entryBytes || dl > available - il * entryBytes) {
    throw new HeaderError(`header declares ${il} index entries and ${dl} data bytes, more than its ${blob.length} bytes hold`);
  }
  const dataStart = preambleBytes + il * entryBytes;
  const data = blob.subarray(dataStart, dataStart + dl);

  const entries = new Map<number, IndexEntry>();
  for (let i = 0; i < il; i++) {
    const at = preambleBytes + i * entryBytes;
    const entry = { tag: blob.readInt32BE(at), type: blob.readUInt32BE(at + 4), offset: blob.readInt32BE(at + 8), count: blob.readUInt32BE(at + 12) };
    if (entry.type > rpmType.i18nString) throw new HeaderError(`index entry ${i} (tag ${entry.tag}) has unknown type ${entry.type}`);
    if (entry.offset < 0 || entry.offset > dl) {
      throw new HeaderError(`index entry ${i} (tag ${entry.tag}) has data offset ${entry.offset}, outside the ${dl}-byte data store`);
    }
    // every type takes at least a byte per item
    if (entry.type !== rpmType.null && entry.count > dl - entry.offset) {
      throw new HeaderError(`index entry ${i} (tag ${entry.tag}) has count ${entry.count}, more than the data store holds at offset ${entry.offset}`);
    }
    if (wantedTags.has(entry.tag)) entries.set(entry.tag, entry); // later (dribble) entries win
  }

  const reader = new TagReader(data, entries);
  const name = reader.string(rpmTag.name);
  const version = reader.string(rpmTag.version);
  if (name === undefined || name === '') throw new HeaderError('header has no NAME');
  if (version === undefined || version === '') throw new HeaderError(`package ${quote(name)} has no VERSION`);
  return {
    name,
    version,
    release: reader.string(rpmTag.release),
    epoch: reader.int32s(rpmTag.epoch)?.[0],
    arch: reader.string(rpmTag.arch),
    sourceRpm: reader.string(rpmTag.sourceRpm),
    license: reader.string(rpmTag.license),
    vendor: reader.string(rpmTag.vendor),
    modularityLabel: reader.string(rpmTag.modularityLabel),
    ...fileList(reader, blob.length),
  };
}

/** A string from a possibly corrupt header, fit for a note: quoted, escaped, shortened. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/**
 * The file list may take at most this many times the header's own bytes. Real headers hold far more
 * per file than its path (digests, sizes, modes, owners): their lists are smaller than the header.
 * Without a bound, one long DIRNAME shared by many one-byte BASENAMES makes a header of kilobytes
 * list gigabytes of paths.
 */
const maxFileListRatio = 4;

/** Paths from BASENAMES + DIRNAMES[DIRINDEXES] (rpm ≥ 4.0), else OLDFILENAMES. */
function fileList(reader: TagReader, headerBytes: number): Pick<RpmHeader, 'files' | 'filesProblem'> {
  const baseNames = reader.strings(rpmTag.baseNames);
  if (baseNames === undefined) return { files: reader.strings(rpmTag.oldFilenames) ?? [] };
  const dirNames = reader.strings(rpmTag.dirNames) ?? [];
  const dirIndexes = reader.int32s(rpmTag.dirIndexes) ?? [];
  if (dirIndexes.length !== baseNames.length) {
    throw new HeaderError(`${baseNames.length} BASENAMES but ${dirIndexes.length} DIRINDEXES`);
  }
  let length = 0;
  const dirs = baseNames.map((baseName, i) => {
    const index = dirIndexes[i] ?? -1;
    const dir = dirNames[index];
    if (dir === undefined) throw new HeaderError(`file ${i} (${quote(baseName)}) has directory index ${index}, but there are ${dirNames.length} DIRNAMES`);
    length += dir.length + baseName.length;
    return dir;
  });
  const limit = maxFileListRatio * headerBytes + 65536;
  if (length > limit) {
    return {
      files: [],
      filesProblem: `its ${baseNames.length} files' paths take ${length} characters, more than ${maxFileListRatio} times its header's ${headerBytes} bytes: not listed`,
    };
  }
  return { files: baseNames.map((baseName, i) => (dirs[i] as string) + baseName) };
}

/** Reads typed values of the wanted tags out of the data store, bounds-checked. */
class TagReader {
  constructor(
    private readonly data: Buffer,
    private readonly entries: ReadonlyMap<number, IndexEntry>,
  ) {}

  /** A STRING (or the first string of an I18NSTRING / STRING_ARRAY). */
  string(tag: number): string | undefined {
    const entry = this.entries.get(tag);
    if (entry === undefined) return undefined;
    this.expectType(entry, [rpmType.string, rpmType.i18nString, rpmType.stringArray]);
    return this.readStrings(entry, 1)[0];
  }

  strings(tag: number): string[] | undefined {
    const entry = this.entries.get(tag);
    if (entry === undefined) return undefined;
    this.expectType(entry, [rpmType.stringArray]);
    return this.readStrings(entry, entry.count);
  }

  int32s(tag: number): number[] | undefined {
    const entry = this.entries.get(tag);
    if (entry === undefined) return undefined;
    this.expectType(entry, [rpmType.int32]);
    if (entry.count > (this.data.length - entry.offset) / 4) {
      throw new HeaderError(`tag ${entry.tag}: ${entry.count} INT32 values at offset ${entry.offset} run past the ${this.data.length}-byte data store`);
    }
    const values: number[] = [];
    for (let i = 0; i < entry.count; i++) values.push(this.data.readInt32BE(entry.offset + i * 4));
    return values;
  }

  private readStrings(entry: IndexEntry, count: number): string[] {
    const values: string[] = [];
    let at = entry.offset;
    for (let i = 0; i < count; i++) {
      const end = this.data.indexOf(0, at);
      if (end < 0) throw new HeaderError(`tag ${entry.tag}: string ${i} at offset ${at} has no terminator within the ${this.data.length}-byte data store`);
      values.push(this.data.toString('utf8', at, end));
      at = end + 1;
    }
    return values;
  }

  private expectType(entry: IndexEntry, types: readonly number[]): void {
    if (!types.includes(entry.type)) throw new HeaderError(`tag ${entry.tag} has type ${entry.type}, expected ${types.join(' or ')}`);
  }
}
