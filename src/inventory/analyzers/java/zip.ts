/**
 * A small zip reader for archives held in memory (jars, wars, ears): the central directory (with
 * Zip64 and prepended data such as launch scripts), and stored or deflated entries. Every offset and
 * size comes from untrusted input and is checked against the buffer; inflation is bounded by the
 * entry's declared size and by a budget shared across a whole analysis, so a zip bomb ends as an
 * error string, not as memory exhaustion. Stored entries are charged to the budget too: they cost
 * no memory, but central directory entries may all point at one large stored archive, and opening
 * it again and again would cost time without end. Nothing here throws.
 */
import { inflateRawSync } from 'node:zlib';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
/** Central directory entries walked at most: far more than any real archive, bounds the loop. */
const MAX_ENTRIES = 1_000_000;

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Local header offset, already corrected for data prepended to the archive. */
  localHeaderOffset: number;
}

export interface ZipDirectory {
  /** The entries the caller asked for, in central directory order. */
  entries: ZipEntry[];
  /** All entries in the central directory. */
  total: number;
  /** Damage that did not stop the read (a directory that ends early...). */
  notes: string[];
}

/** Entry bytes still allowed across one analysis (all entries of all nested archives). */
export interface ReadBudget {
  remaining: number;
}

/**
 * Reads the central directory, keeping the entries `wanted` accepts (so a 100 000-entry archive
 * does not become 100 000 objects). Returns why, when the data is not a readable zip.
 */
export function readZipDirectory(data: Buffer, wanted: (name: string) => boolean): ZipDirectory | string {
  const eocd = findEndOfCentralDirectory(data);
  if (eocd === undefined) return 'no zip end-of-central-directory record';
  let total = data.readUInt16LE(eocd + 10);
  let cdSize = data.readUInt32LE(eocd + 12);
  let cdOffset = data.readUInt32LE(eocd + 16);
  // Where the directory must end: just before the (Zip64) end record.
  let cdEndActual = eocd;

  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const zip64 = readZip64End(data, eocd);
    if (typeof zip64 === 'string') return zip64;
    ({ total, cdSize, cdOffset } = zip64);
    cdEndActual = zip64.at;
  }

  // Data prepended to the archive (a launch script, a self-extractor stub) shifts every offset.
  const shift = cdEndActual - (cdOffset + cdSize);
  let delta: number;
  if (shift >= 0 && sigAt(data, cdOffset + shift, SIG_CENTRAL)) delta = shift;
  else if (sigAt(data, cdOffset, SIG_CENTRAL)) delta = 0;
  else if (total === 0 && cdSize === 0) return { entries: [], total: 0, notes: [] };
  else return 'zip central directory not found where the end record says';

  const start = cdOffset + delta;
  const end = Math.min(start + cdSize, data.length);
  const entries: ZipEntry[] = [];
  const notes: string[] = [];
  let pos = start;
  let count = 0;
  while (pos + CENTRAL_SIZE <= end && count < MAX_ENTRIES) {
    if (!sigAt(data, pos, SIG_CENTRAL)) {
      notes.push(`zip central directory entry ${count} has a bad signature: the rest is skipped`);
      break;
    }
    const nameLength = data.readUInt16LE(pos + 28);
    const extraLength = data.readUInt16LE(pos + 30);
    const commentLength = data.readUInt16LE(pos + 32);
    const next = pos + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > end) {
      notes.push(`zip central directory entry ${count} runs past the directory: the rest is skipped`);
      break;
    }
    count++;
    const flags = data.readUInt16LE(pos + 8);
    const nameBytes = data.subarray(pos + CENTRAL_SIZE, pos + CENTRAL_SIZE + nameLength);
    // Bit 11: UTF-8 names; others are CP437, which agrees with latin1 on the ASCII names we look for.
    const name = nameBytes.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1');
    if (wanted(name)) {
      const entry: ZipEntry = {
        name,
        method: data.readUInt16LE(pos + 10),
        flags,
        compressedSize: data.readUInt32LE(pos + 20),
        uncompressedSize: data.readUInt32LE(pos + 24),
        localHeaderOffset: data.readUInt32LE(pos + 42),
      };
      applyZip64Extra(entry, data.subarray(pos + CENTRAL_SIZE + nameLength, pos + CENTRAL_SIZE + nameLength + extraLength));
      entry.localHeaderOffset += delta;
      entries.push(entry);
    }
    pos = next;
  }
  if (count >= MAX_ENTRIES) notes.push(`zip has more than ${MAX_ENTRIES} entries: the rest is skipped`);
  else if (count !== total && total !== 0xffff) notes.push(`zip end record declares ${total} entries, the directory holds ${count}`);
  return { entries, total: count, notes };
}

/** The last end-of-central-directory record, searching back over a possible comment. */
function findEndOfCentralDirectory(data: Buffer): number | undefined {
  const last = data.length - EOCD_SIZE;
  const first = Math.max(0, last - MAX_COMMENT);
  for (let at = last; at >= first; at--) {
    if (data[at] !== 0x50 || !sigAt(data, at, SIG_EOCD)) continue;
    // The comment must fit in what follows: guards against the signature inside other data.
    if (at + EOCD_SIZE + data.readUInt16LE(at + 20) <= data.length) return at;
  }
  return undefined;
}

function readZip64End(data: Buffer, eocd: number): { total: number; cdSize: number; cdOffset: number; at: number } | string {
  const locator = eocd - 20;
  if (locator < 0 || !sigAt(data, locator, SIG_ZIP64_LOCATOR)) return 'zip end record needs Zip64 but the Zip64 locator is missing';
  // The record sits right before its locator; the locator's offset is wrong when data was prepended.
  const declared = safeU64(data, locator + 8);
  const candidates = [locator - 56, declared].filter((at): at is number => at !== undefined && at >= 0);
  const at = candidates.find((c) => sigAt(data, c, SIG_ZIP64_EOCD) && c + 56 <= data.length);
  if (at === undefined) return 'Zip64 end-of-central-directory record not found';
  const total = safeU64(data, at + 32);
  const cdSize = safeU64(data, at + 40);
  const cdOffset = safeU64(data, at + 48);
  if (total === undefined || cdSize === undefined || cdOffset === undefined) return 'Zip64 end record holds impossible sizes';
  return { total, cdSize, cdOffset, at };
}

/** Replaces 0xffffffff sizes and offset with the values of the Zip64 extra field (id 1), in its order. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  const needs = entry.uncompressedSize === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localHeaderOffset === 0xffffffff;
  if (!needs) return;
  let pos = 0;
  while (pos + 4 <= extra.length) {
    const id = extra.readUInt16LE(pos);
    const size = extra.readUInt16LE(pos + 2);
    const body = extra.subarray(pos + 4, Math.min(pos + 4 + size, extra.length));
    pos += 4 + size;
    if (id !== 1) continue;
    let at = 0;
    const take = (): number => {
      const value = safeU64(body, at) ?? Number.MAX_SAFE_INTEGER;
      at += 8;
      return value;
    };
    if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = take();
    if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
    if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take();
    return;
  }
}

/**
 * An entry's bytes: a view for stored entries, a fresh buffer for deflated ones. An entry may
 * hold at most `maxBytes` and at most what the budget has left, and inflating never produces more
 * than the entry declares; otherwise the reason is returned. The size is charged up front.
 */
export function readZipEntry(data: Buffer, entry: ZipEntry, budget: ReadBudget, maxBytes: number): Buffer | string {
  const at = entry.localHeaderOffset;
  if (!sigAt(data, at, SIG_LOCAL) || at + LOCAL_SIZE > data.length) return 'local header missing';
  if ((entry.flags & 1) !== 0) return 'entry is encrypted';
  const dataStart = at + LOCAL_SIZE + data.readUInt16LE(at + 26) + data.readUInt16LE(at + 28);
  if (dataStart > data.length || entry.compressedSize > data.length - dataStart) return 'entry data runs past the end of the archive';
  const compressed = data.subarray(dataStart, dataStart + entry.compressedSize);

  if (entry.method !== 0 && entry.method !== 8) return `compression method ${entry.method} not supported`;
  const declared = entry.method === 0 ? compressed.length : entry.uncompressedSize;
  if (declared > maxBytes) return `holds ${declared} bytes, over the ${maxBytes}-byte limit`;
  if (declared > budget.remaining) return `holds ${declared} bytes, over what is left of the read budget (${budget.remaining})`;
  budget.remaining -= declared;
  if (entry.method === 0) return compressed;
  if (declared === 0) return Buffer.alloc(0);
  try {
    // maxOutputLength stops zlib as soon as the output would pass the declared size: a bomb that
    // lies about its size fails here, after at most `declared` bytes.
    return inflateRawSync(compressed, { maxOutputLength: declared });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return `inflates past its declared size of ${declared} bytes`;
    return `cannot inflate: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function sigAt(data: Buffer, at: number, signature: number): boolean {
  return at >= 0 && at + 4 <= data.length && data.readUInt32LE(at) === signature;
}

function safeU64(data: Buffer, at: number): number | undefined {
  if (at < 0 || at + 8 > data.length) return undefined;
  const value = data.readBigUInt64LE(at);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}
