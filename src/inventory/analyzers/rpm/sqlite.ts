import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { messageOf } from '../../../core/errors.js';
import type { DbRead, DbRecord } from './records.js';

/** better-sqlite3 is a native module: loaded only when an image has an rpm SQLite database, not at start-up. */
const loadSqlite = (): typeof BetterSqlite3 => createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

/** `SQLite format 3\0`: the first 16 bytes of every SQLite database file. */
export const sqliteMagic: Buffer = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Reads `Packages(hnum, blob)` of an rpm SQLite database (rpm ≥ 4.16) from memory: the buffer is
 * deserialised into an in-memory database, opened read-only. Never throws.
 */
export function readSqlite(content: Buffer): DbRead {
  const records: DbRecord[] = [];
  const notes: string[] = [];
  let db: BetterSqlite3.Database | undefined;
  try {
    db = open(content, notes);
    // keys first, then each blob on its own: in a damaged file a blob's overflow pages may be lost
    // while the other records are intact, so one bad record must not end the read
    const hnums: unknown[] = [];
    try {
      for (const hnum of db.prepare('SELECT hnum FROM Packages ORDER BY hnum').pluck().iterate()) hnums.push(hnum);
    } catch (error) {
      if (hnums.length === 0) throw error;
      notes.push(`SQLite table Packages could not be read past record hnum ${String(hnums.at(-1))}: ${messageOf(error)}`);
    }
    const select = db.prepare('SELECT blob FROM Packages WHERE hnum = ?').pluck();
    for (const hnum of hnums) {
      try {
        const blob: unknown = select.get(hnum);
        if (Buffer.isBuffer(blob)) records.push({ id: `hnum ${String(hnum)}`, blob });
        else notes.push(`record hnum ${String(hnum)}: blob is not a BLOB; skipped`);
      } catch (error) {
        notes.push(`record hnum ${String(hnum)}: ${messageOf(error)}; skipped`);
      }
    }
  } catch (error) {
    notes.push(`SQLite database could not be read: ${messageOf(error)}`);
  } finally {
    db?.close();
  }
  return { records, notes };
}

/**
 * Deserialises the file into an in-memory database, read-only. Its first page's header may need
 * changes first (see `openableHeader`); they are made in place and undone at once, because
 * better-sqlite3 copies the bytes anyway and a second copy of a large database is not free.
 */
function open(content: Buffer, notes: string[]): BetterSqlite3.Database {
  const Database = loadSqlite();
  const patch = openableHeader(content);
  if (patch === undefined) return new Database(content, { readonly: true });
  if (patch.note !== undefined) notes.push(patch.note);
  const original = Buffer.from(content.subarray(0, patch.header.length));
  patch.header.copy(content, 0);
  try {
    return new Database(content, { readonly: true });
  } finally {
    original.copy(content, 0);
  }
}

/**
 * The database header SQLite can open from memory, or undefined when it can as it is. rpm keeps its
 * database in WAL mode (header bytes 18-19 = 2), which an in-memory database cannot open: they
 * become 1 (rollback journal). A `-wal` file beside it is not read: rpm checkpoints it when it
 * closes the database, so it is normally empty in an image. A truncated file has a header page
 * count larger than the file, which SQLite takes as corruption of the whole database: the count is
 * lowered to what the file holds, so that only the records on lost pages fail.
 */
function openableHeader(content: Buffer): { header: Buffer; note?: string } | undefined {
  if (content.length < 100) return undefined;
  const header = Buffer.from(content.subarray(0, 100));
  const wal = header[18] === 2 || header[19] === 2;
  const rawPageSize = header.readUInt16BE(16); // 1 means 65536
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const declaredPages = header.readUInt32BE(28);
  // SQLite trusts the page count only while "version-valid-for" matches the change counter
  const countValid = header.readUInt32BE(92) === header.readUInt32BE(24);
  const truncated = countValid && pageSize >= 512 && declaredPages * pageSize > content.length;
  if (!wal && !truncated) return undefined;
  if (wal) {
    header[18] = 1;
    header[19] = 1;
  }
  if (!truncated) return { header };
  header.writeUInt32BE(Math.ceil(content.length / pageSize), 28); // a partial last page reads zero-filled
  return { header, note: `SQLite header says ${declaredPages} pages of ${pageSize} bytes, but the file holds ${content.length} bytes: truncated` };
}
