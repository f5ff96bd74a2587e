/**
 * Test support: rpm package databases written in memory — header blobs, BerkeleyDB hash databases,
 * NDB and SQLite databases — the way rpm lays them out, for the unit and fuzz tests. Not used at runtime.
 */
import Database from 'better-sqlite3';
import { rpmType } from './header.js';

export interface TagValue {
  tag: number;
  type: number;
  value: string | string[] | number[];
}

/** Encodes a database-style header blob (no region tag: the parser does not need one). */
export function encodeHeader(values: readonly TagValue[]): Buffer {
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let length = 0;
  for (const { tag, type, value } of values) {
    let bytes: Buffer;
    if (type === rpmType.int32) {
      const numbers = value as number[];
      while (length % 4 !== 0) {
        data.push(Buffer.alloc(1));
        length++;
      }
      bytes = Buffer.alloc(numbers.length * 4);
      numbers.forEach((n, i) => bytes.writeInt32BE(n, i * 4));
    } else {
      const strings = Array.isArray(value) ? (value as string[]) : [value];
      bytes = Buffer.concat(strings.map((s) => Buffer.from(`${s}\0`)));
    }
    const entry = Buffer.alloc(16);
    entry.writeInt32BE(tag, 0);
    entry.writeUInt32BE(type, 4);
    entry.writeInt32BE(length, 8);
    entry.writeUInt32BE(Array.isArray(value) ? value.length : 1, 12);
    index.push(entry);
    data.push(bytes);
    length += bytes.length;
  }
  const preamble = Buffer.alloc(8);
  preamble.writeUInt32BE(values.length, 0);
  preamble.writeUInt32BE(length, 4);
  return Buffer.concat([preamble, ...index, ...data]);
}

/** A header blob with NAME, VERSION, RELEASE and `padding` bytes of an unread BIN tag, to span pages. */
export function miniHeader(name: string, padding = 0): Buffer {
  const strings: [number, string][] = [
    [1000, name],
    [1001, '1.0'],
    [1002, '1'],
  ];
  const data = Buffer.concat([...strings.map(([, s]) => Buffer.from(`${s}\0`)), Buffer.alloc(padding, 0x5a)]);
  const index = Buffer.alloc(16 * (strings.length + 1));
  let offset = 0;
  strings.forEach(([tag, s], i) => {
    index.writeUInt32BE(tag, i * 16);
    index.writeUInt32BE(6, i * 16 + 4);
    index.writeUInt32BE(offset, i * 16 + 8);
    index.writeUInt32BE(1, i * 16 + 12);
    offset += Buffer.byteLength(s) + 1;
  });
  const last = strings.length * 16;
  index.writeUInt32BE(1004, last);
  index.writeUInt32BE(7, last + 4);
  index.writeUInt32BE(offset, last + 8);
  index.writeUInt32BE(padding, last + 12);
  const preamble = Buffer.alloc(8);
  preamble.writeUInt32BE(strings.length + 1, 0);
  preamble.writeUInt32BE(data.length, 4);
  return Buffer.concat([preamble, index, data]);
}

export interface BuildOptions {
  le?: boolean;
  pageSize?: number;
  /** Values of at most this many bytes are stored in the hash page itself, as BerkeleyDB does for small ones. */
  inlineUpTo?: number;
}

/**
 * A one-bucket BerkeleyDB hash database the way rpm writes `Packages`: page 0 metadata, page 1 the
 * bucket with key 0 (rpm's counter) and keys 1..n, overflow chains from page 2 on.
 */
export function buildBdb(values: readonly Buffer[], { le = true, pageSize = 512, inlineUpTo = 0 }: BuildOptions = {}): Buffer {
  const pages: Buffer[] = [Buffer.alloc(pageSize), Buffer.alloc(pageSize)];
  const u32 = (buf: Buffer, at: number, v: number): number => (le ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at));
  const u16 = (buf: Buffer, at: number, v: number): number => (le ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at));
  const newPage = (type: number): Buffer => {
    const page = Buffer.alloc(pageSize);
    u32(page, 8, pages.length);
    page[25] = type;
    pages.push(page);
    return page;
  };
  const items: Buffer[] = [];
  const key = (n: number): Buffer => {
    const item = Buffer.alloc(5);
    item[0] = 1;
    u32(item, 1, n);
    return item;
  };
  items.push(key(0), Buffer.concat([Buffer.of(1), Buffer.alloc(4, 9)]));
  values.forEach((value, i) => {
    items.push(key(i + 1));
    if (value.length <= inlineUpTo) {
      items.push(Buffer.concat([Buffer.of(1), value]));
      return;
    }
    const chunk = pageSize - 26;
    const first = pages.length;
    for (let at = 0; at < value.length; at += chunk) {
      const page = newPage(7);
      const part = value.subarray(at, at + chunk);
      part.copy(page, 26);
      u16(page, 22, part.length);
      u32(page, 16, at + chunk < value.length ? pages.length : 0);
    }
    const offPage = Buffer.alloc(12);
    offPage[0] = 3;
    u32(offPage, 4, first);
    u32(offPage, 8, value.length);
    items.push(offPage);
  });
  const bucket = pages[1] as Buffer;
  u32(bucket, 8, 1);
  bucket[25] = 13;
  u16(bucket, 20, items.length);
  let end = pageSize;
  items.forEach((item, i) => {
    end -= item.length;
    item.copy(bucket, end);
    u16(bucket, 26 + 2 * i, end);
  });
  u16(bucket, 22, end);
  const meta = pages[0] as Buffer;
  u32(meta, 12, 0x061561);
  u32(meta, 16, 9);
  u32(meta, 20, pageSize);
  meta[25] = 8;
  u32(meta, 32, pages.length - 1);
  u32(meta, 72, 0); // max bucket
  u32(meta, 96, 1); // spares[0]: bucket 0 is page 1
  return Buffer.concat(pages);
}

/**
 * An NDB database (rpm's lib/backend/ndb): one slot page (a 32-byte header, then 16-byte slots, the
 * unused ones free), and each blob after it in 16-byte blocks: `BlbS`, package index, length, the
 * header blob, a 12-byte tail.
 */
export function buildNdb(blobs: readonly Buffer[]): Buffer {
  const slots = Buffer.alloc(4096);
  slots.write('RpmP', 0, 'latin1');
  slots.writeUInt32LE(1, 12); // slot pages
  const parts = [slots];
  let block = 4096 / 16;
  for (let at = 32, i = 0; at + 16 <= slots.length; at += 16, i++) {
    slots.write('Slot', at, 'latin1');
    const blob = blobs[i];
    if (blob === undefined) continue; // a free slot
    const blocks = Math.ceil((16 + blob.length + 12) / 16);
    slots.writeUInt32LE(i + 1, at + 4);
    slots.writeUInt32LE(block, at + 8);
    slots.writeUInt32LE(blocks, at + 12);
    const stored = Buffer.alloc(blocks * 16);
    stored.write('BlbS', 0, 'latin1');
    stored.writeUInt32LE(i + 1, 4);
    stored.writeUInt32LE(blob.length, 12);
    blob.copy(stored, 16);
    parts.push(stored);
    block += blocks;
  }
  return Buffer.concat(parts);
}

/** An rpm-style SQLite database (rollback journal, as `serialize` writes it) holding these rows. */
export function buildSqlite(rows: readonly [number, Buffer | string][], table = 'Packages'): Buffer {
  const db = new Database(':memory:');
  try {
    db.exec(`CREATE TABLE ${table} (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)`);
    const insert = db.prepare(`INSERT INTO ${table} (hnum, blob) VALUES (?, ?)`);
    for (const [hnum, blob] of rows) insert.run(hnum, blob);
    return db.serialize();
  } finally {
    db.close();
  }
}
