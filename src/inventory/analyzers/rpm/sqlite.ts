import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { messageOf } from '../../../core/errors.js';
import { maxRpmSqliteRecords } from '../../../core/limits.js';
import type { DbRead, DbRecord } from './records.js';

/** better-sqlite3 is a native module: loaded only when an image has an rpm SQLite database, not at start-up. */
const loadSqlite = (): typeof BetterSqlite3 => createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

/** `SQLite format 3\0`: the first 16 bytes of every SQLite database file. */
export const sqliteMagic: Buffer = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Reads `Packages(hnum, blob)` of an rpm SQLite database (rpm ≥ 4.16) from memory: the buffer is
 * deserialised into an in-memory database, opened read-only (`openImageDatabase`). The file is the
 * image's, so its schema is hostile code: unless `Packages` is a plain table with rpm's columns
 * (`schemaRefusal`), nothing is read. Rows are read by row id only, with no index, sort or temp
 * table, so the work is one pass over the table's pages, at most `maxRpmSqliteRecords` records.
 * Never throws.
 */
export function readSqlite(content: Buffer): DbRead {
  const records: DbRecord[] = [];
  const notes: string[] = [];
  let db: BetterSqlite3.Database | undefined;
  try {
    db = openImageDatabase(content, notes);
    const refused = schemaRefusal(db);
    if (refused !== undefined) {
      notes.push(`SQLite database not read: ${refused}`);
      return { records, notes };
    }
    // keys first, then each blob on its own: in a damaged file a blob's overflow pages may be lost
    // while the other records are intact, so one bad record must not end the read
    const hnums: number[] = [];
    try {
      const keys = db
        .prepare('SELECT rowid, hnum FROM Packages NOT INDEXED ORDER BY rowid LIMIT ?')
        .raw()
        .iterate(maxRpmSqliteRecords + 1);
      for (const [rowid, hnum] of keys as Iterable<[number, unknown]>) {
        if (hnum !== rowid) throw new Error(`hnum ${String(hnum)} is not the row id ${rowid}: not an rpm table`);
        hnums.push(rowid);
      }
    } catch (error) {
      if (hnums.length === 0) throw error;
      notes.push(`SQLite table Packages could not be read past record hnum ${String(hnums.at(-1))}: ${messageOf(error)}`);
    }
    if (hnums.length > maxRpmSqliteRecords) {
      hnums.length = maxRpmSqliteRecords;
      notes.push(`SQLite table Packages holds more than ${maxRpmSqliteRecords} records (the limit for one rpm database); the rest were not read`);
    }
    const select = db.prepare('SELECT blob FROM Packages NOT INDEXED WHERE rowid = ?').pluck();
    for (const hnum of hnums) {
      try {
        const blob: unknown = select.get(hnum);
        if (Buffer.isBuffer(blob)) records.push({ id: `hnum ${hnum}`, blob });
        else notes.push(`record hnum ${hnum}: blob is not a BLOB; skipped`);
      } catch (error) {
        notes.push(`record hnum ${hnum}: ${messageOf(error)}; skipped`);
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
 * Opens an image's SQLite database from memory for reading only, with nothing it holds trusted:
 * functions in its schema may not have side effects (`trusted_schema`), no statement may write
 * (`query_only`, besides `readonly`), a temp table or sort would stay in memory rather than go to
 * `SQLITE_TMPDIR`/`TMPDIR`/`/var/tmp` (`temp_store`), and damaged b-tree cells are caught early
 * (`cell_size_check`). better-sqlite3 has no progress handler or interrupt, so what bounds the
 * work is the caller reading only what `schemaRefusal` admits.
 */
export function openImageDatabase(content: Buffer, notes: string[]): BetterSqlite3.Database {
  const db = open(content, notes);
  try {
    for (const pragma of imageDatabasePragmas) db.pragma(pragma);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

const imageDatabasePragmas: readonly string[] = ['trusted_schema = OFF', 'query_only = ON', 'temp_store = MEMORY', 'cell_size_check = ON'];

/**
 * Why the database's schema is not read, or undefined when it is rpm's: `Packages` an ordinary
 * table (not a view, a virtual table or WITHOUT ROWID) whose columns are `hnum INTEGER PRIMARY KEY`
 * and `blob`, none generated; and no view or trigger anywhere (rpm creates neither: they are code
 * that would run inside the scanner).
 */
function schemaRefusal(db: BetterSqlite3.Database): string | undefined {
  const code = db.prepare("SELECT type, name FROM sqlite_schema WHERE type IN ('view', 'trigger') LIMIT 1").raw().get() as [string, string] | undefined;
  if (code !== undefined) return `it defines a ${code[0]} (${JSON.stringify(clip(code[1]))}), which rpm never creates`;
  const table = db.prepare("SELECT type, wr FROM pragma_table_list WHERE schema = 'main' AND name = 'Packages' COLLATE NOCASE").raw().get() as
    [string, number] | undefined;
  if (table === undefined) return 'it has no Packages table';
  if (table[0] !== 'table') return `Packages is a ${table[0]} table, not an ordinary one`;
  if (table[1] !== 0) return 'Packages is a WITHOUT ROWID table, which rpm never creates';
  const columns = db.prepare("SELECT name, type, pk, hidden FROM pragma_table_xinfo('Packages')").raw().all() as [string, string, number, number][];
  const shape = columns.map(([name, type, pk, hidden]) => `${name}${type ? ` ${type}` : ''}${pk ? ' PRIMARY KEY' : ''}${hidden ? ' GENERATED' : ''}`);
  const expected = shape.length === 2 && shape[0]?.toLowerCase() === 'hnum integer primary key' && /^blob(?: blob)?$/i.test(shape[1] ?? '');
  const shown = shape.slice(0, 8).map(clip).join(', ') + (shape.length > 8 ? `, … ${shape.length - 8} more` : '');
  return expected ? undefined : `Packages has the columns (${shown}), not rpm's (hnum INTEGER PRIMARY KEY, blob BLOB)`;
}

/** Names from the file go into diagnostics: a few dozen characters of each are enough to say what is wrong. */
function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 63)}…` : text;
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
