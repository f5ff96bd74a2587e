import type { DbRead, DbRecord } from './records.js';

/**
 * rpm's BerkeleyDB `Packages` database, a BerkeleyDB hash database (read the way rpm's
 * lib/backend/bdb_ro.c and go-rpmdb's pkg/bdb do). Page 0 is the hash metadata page; bucket `b`
 * starts at page `b + spares[bitLength(b)]`, and chains on through `next_pgno`. A hash page holds
 * key/value item pairs; rpm's keys are 4-byte header numbers and its values (headers) are too large
 * to sit in the page, so a value is an "off-page" item naming a chain of overflow pages.
 *
 * Every page number is checked against the file and every page is visited at most once, so a
 * corrupt database gives notes, never a hang.
 */

const hashMagic = 0x061561;
const btreeMagic = 0x053162;
const pageHeaderBytes = 26;
const pageTypes = { invalid: 0, hashUnsorted: 2, overflow: 7, hashMeta: 8, hash: 13 } as const;
const itemTypes = { keyData: 1, duplicate: 2, offPage: 3, offDuplicate: 4 } as const;

/** Whether the content looks like a BerkeleyDB database (of any access method), from its magic. */
export function isBerkeleyDb(content: Buffer): boolean {
  if (content.length < 16) return false;
  const le = content.readUInt32LE(12);
  const be = content.readUInt32BE(12);
  return [hashMagic, btreeMagic].some((magic) => magic === le || magic === be);
}

interface Page {
  pgno: number;
  next: number;
  entries: number;
  /** Offset of the free area; on an overflow page, the length of its data. */
  hfOffset: number;
  type: number;
  bytes: Buffer;
}

/** Reads every value of a BerkeleyDB hash database. Never throws; problems are notes. */
export function readBdb(content: Buffer): DbRead {
  const notes: string[] = [];
  const records: DbRecord[] = [];
  if (content.length < 512) return { records, notes: [`${content.length} bytes, too short for a BerkeleyDB metadata page`] };
  const magicLe = content.readUInt32LE(12);
  const le = magicLe === hashMagic || magicLe === btreeMagic;
  const u32 = (buf: Buffer, at: number): number => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const magic = u32(content, 12);
  if (magic === btreeMagic) return { records, notes: ['BerkeleyDB btree database: rpm Packages databases are hash databases; not read'] };
  if (magic !== hashMagic) return { records, notes: ['not a BerkeleyDB hash database (bad magic)'] };

  const pageSize = u32(content, 20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return { records, notes: [`BerkeleyDB page size ${pageSize} is invalid`] };
  if (content[24] !== 0) return { records, notes: ['BerkeleyDB database is encrypted; not read'] };
  if (content[25] !== pageTypes.hashMeta) return { records, notes: [`BerkeleyDB page 0 has type ${content[25]}, not hash metadata`] };
  const filePages = Math.floor(content.length / pageSize);
  const lastPgno = u32(content, 32);
  if (lastPgno >= filePages) notes.push(`BerkeleyDB metadata says the last page is ${lastPgno}, but the file holds ${filePages} pages: truncated`);
  const pageCount = Math.min(filePages, lastPgno + 1);

  const reader = new BdbReader(content, pageSize, pageCount, le, notes);
  let maxBucket = u32(content, 72);
  if (maxBucket >= pageCount) {
    notes.push(`BerkeleyDB metadata says ${maxBucket + 1} hash buckets, more than the file's ${pageCount} pages; only the first ${pageCount} are read`);
    maxBucket = pageCount - 1;
  }
  for (let bucket = 0; bucket <= maxBucket; bucket++) {
    const spare = u32(content, 96 + 4 * bitLength(bucket));
    reader.readBucket(bucket, bucket + spare, records);
  }
  return { records, notes };
}

function bitLength(n: number): number {
  return n === 0 ? 0 : 32 - Math.clz32(n);
}

class BdbReader {
  /** Pages already read (hash and overflow): a page reached twice means a loop or a shared chain. */
  private readonly seen = new Set<number>();

  constructor(
    private readonly content: Buffer,
    private readonly pageSize: number,
    private readonly pageCount: number,
    private readonly le: boolean,
    private readonly notes: string[],
  ) {}

  /** Reads the chain of hash pages of one bucket, adding its values to `records`. */
  readBucket(bucket: number, firstPgno: number, records: DbRecord[]): void {
    if (firstPgno === 0) {
      this.notes.push(`hash bucket ${bucket} maps to page 0, the metadata page; not read`);
      return;
    }
    for (let pgno = firstPgno; pgno !== 0;) {
      const page = this.page(pgno);
      if (typeof page === 'string') {
        this.notes.push(`hash bucket ${bucket}: ${page}; the rest of the bucket is not read`);
        return;
      }
      if (page.type === pageTypes.invalid && page.entries === 0) return; // a bucket page never written: empty
      if (page.type !== pageTypes.hash && page.type !== pageTypes.hashUnsorted) {
        this.notes.push(`hash bucket ${bucket}: page ${pgno} has type ${page.type}, not a hash page; the rest of the bucket is not read`);
        return;
      }
      this.readHashPage(page, records);
      pgno = page.next;
    }
  }

  private readHashPage(page: Page, records: DbRecord[]): void {
    const offsets = this.itemOffsets(page);
    if (typeof offsets === 'string') {
      this.notes.push(`hash page ${page.pgno}: ${offsets}; skipped`);
      return;
    }
    for (let i = 0; i + 1 < offsets.length; i += 2) {
      const key = this.item(page, offsets, i);
      const hnum = key.length === 5 && key[0] === itemTypes.keyData ? this.u32(key, 1) : undefined;
      if (hnum === 0) continue; // rpm's bookkeeping record (the next header number), not a header
      const id = hnum === undefined ? `item ${i} of hash page ${page.pgno}` : `key ${hnum}`;
      const value = this.value(page, offsets, i + 1);
      if (typeof value === 'string') this.notes.push(`record ${id}: ${value}; skipped`);
      else records.push({ id, blob: value });
    }
  }

  /** Offsets of a hash page's items, each checked to lie inside the page after the offset table. */
  private itemOffsets(page: Page): number[] | string {
    const tableEnd = pageHeaderBytes + 2 * page.entries;
    if (tableEnd > this.pageSize) return `${page.entries} items do not fit a ${this.pageSize}-byte page`;
    const offsets: number[] = [];
    for (let i = 0; i < page.entries; i++) {
      const at = pageHeaderBytes + 2 * i;
      const offset = this.le ? page.bytes.readUInt16LE(at) : page.bytes.readUInt16BE(at);
      if (offset < tableEnd || offset >= this.pageSize) return `item ${i} has offset ${offset}, outside the page's item area`;
      offsets.push(offset);
    }
    return offsets;
  }

  /** An item's bytes (type byte first): items are packed from the page end, so each ends where the previous starts. */
  private item(page: Page, offsets: readonly number[], index: number): Buffer {
    const start = offsets[index] ?? this.pageSize;
    const end = index === 0 ? this.pageSize : (offsets[index - 1] ?? this.pageSize);
    return page.bytes.subarray(start, Math.max(start, end));
  }

  /** A value: inline data, or the concatenated data of its overflow chain. */
  private value(page: Page, offsets: readonly number[], index: number): Buffer | string {
    const item = this.item(page, offsets, index);
    if (item.length === 0) return 'value item is empty';
    if (item[0] === itemTypes.keyData) return item.subarray(1);
    if (item[0] !== itemTypes.offPage) return `value has item type ${String(item[0])}, not data or off-page (duplicates are not used by rpm)`;
    if (item.length < 12) return `off-page item of ${item.length} bytes is too short`;
    return this.overflow(this.u32(item, 4), this.u32(item, 8));
  }

  /** Follows an overflow chain, bounded by the page count and by pages already seen. */
  private overflow(firstPgno: number, totalLength: number): Buffer | string {
    const parts: Buffer[] = [];
    let length = 0;
    for (let pgno = firstPgno; pgno !== 0;) {
      const page = this.page(pgno);
      if (typeof page === 'string') return `overflow chain: ${page}`;
      if (page.type !== pageTypes.overflow) return `overflow chain: page ${pgno} has type ${page.type}, not an overflow page`;
      const dataLength = page.hfOffset;
      if (pageHeaderBytes + dataLength > this.pageSize) return `overflow page ${pgno} says it holds ${dataLength} bytes, more than fit a page`;
      length += dataLength;
      if (length > totalLength) return `overflow chain holds more than the ${totalLength} bytes its item declares (at page ${pgno})`;
      parts.push(page.bytes.subarray(pageHeaderBytes, pageHeaderBytes + dataLength));
      pgno = page.next;
    }
    if (length !== totalLength) return `overflow chain from page ${firstPgno} holds ${length} bytes, but its item declares ${totalLength}`;
    return Buffer.concat(parts, length);
  }

  /** A page by number, if it is in the file and has not been read before. */
  private page(pgno: number): Page | string {
    if (pgno < 1 || pgno >= this.pageCount) return `page ${pgno} is outside the file's ${this.pageCount} pages`;
    if (this.seen.has(pgno)) return `page ${pgno} is reached a second time (a page loop or a shared chain)`;
    this.seen.add(pgno);
    const bytes = this.content.subarray(pgno * this.pageSize, (pgno + 1) * this.pageSize);
    return {
      pgno,
      next: this.u32(bytes, 16),
      entries: this.le ? bytes.readUInt16LE(20) : bytes.readUInt16BE(20),
      hfOffset: this.le ? bytes.readUInt16LE(22) : bytes.readUInt16BE(22),
      type: bytes[25] ?? 0,
      bytes,
    };
  }

  private u32(buf: Buffer, at: number): number {
    return this.le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  }
}
