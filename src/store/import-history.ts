import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { CorruptInputError, NotFoundError, ShipshapeError, UnsupportedError, messageOf } from '../core/errors.js';
import { storedScanOf, type ScanFindingRow, type ScanRow } from '../distribute/history.js';
import type { StoreContext } from './context.js';
import type { Store } from './model.js';
import { insertScan, type ScanContent } from './registry-scans.js';

/** What distribute/history.ts writes in its `meta` table. */
const historyKind = 'shipshape-scan-history';
/** The history schemas the import reads (1 has no `fingerprints` column: its scans are of scheme 1). */
const historySchemas = [1, 2];

/** A history.sqlite opened read-only, checked to be one, and its schema. */
function openHistory(file: string): { db: BetterSqlite3.Database; schema: number } {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    throw new NotFoundError(`the scan history ${file} cannot be read: ${messageOf(error)}`, { cause: error });
  }
  if (!isFile) throw new CorruptInputError(`${file} is not a file, so not a Shipshape scan history`);
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  let db: BetterSqlite3.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new ShipshapeError('E_CACHE', `cannot open the scan history ${file}: ${messageOf(error)}`, { cause: error });
  }
  try {
    return { db, schema: historySchema(db, file) };
  } catch (error) {
    db.close();
    throw error;
  }
}

function historySchema(db: BetterSqlite3.Database, file: string): number {
  let meta: Map<string, string>;
  try {
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    if (!tables.includes('meta') || !tables.includes('scans')) throw new CorruptInputError(`${file} has no meta and scans tables`);
    meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((row) => [row.key, row.value]));
  } catch (error) {
    // SQLITE_NOTADB and friends: the file is something else
    throw new CorruptInputError(`${file} is not a Shipshape scan history (${messageOf(error)})`, { cause: error });
  }
  if (meta.get('kind') !== historyKind) throw new CorruptInputError(`${file} is a SQLite database, but not a Shipshape scan history`);
  const schema = Number(meta.get('schema'));
  if (!historySchemas.includes(schema)) {
    throw new UnsupportedError(`the scan history ${file} has schema ${meta.get('schema') ?? 'unknown'}, not ${historySchemas.join(' or ')}`, {
      hint: 'a newer Shipshape wrote it: import it with that version',
    });
  }
  return schema;
}

/** One scan of the history as the store writes it. */
function readSourceScan(db: BetterSqlite3.Database, row: ScanRow): ScanContent {
  const tags = db.prepare('SELECT repository, tag, digest FROM scan_tags WHERE scan_id = ?').all(row.id) as ScanContent['tags'];
  const images = db.prepare('SELECT repository, digest FROM scan_images WHERE scan_id = ?').all(row.id) as ScanContent['images'];
  const findings = db
    .prepare('SELECT fingerprint, rule_id, message, repository, tag, digest FROM scan_findings WHERE scan_id = ?')
    .all(row.id) as ScanFindingRow[];
  const { id: _id, ...content } = storedScanOf(row, tags, images, findings);
  return content;
}

/**
 * A scan's identity across imports: its id in the history with what it scanned and when, so that
 * the same file imported again (from any path) adds nothing, and another history's scan 1 is not
 * taken for this one's.
 */
function sourceOf(row: ScanRow): string {
  return `history.sqlite#${row.id} ${row.registry}/${row.prefix ?? ''} ${row.scanned_at}`;
}

/** Importing a `registry scan --history` file. */
export function importQueries({ db }: StoreContext): Pick<Store, 'importScanHistory'> {
  return {
    async importScanHistory(file) {
      const history = openHistory(file);
      try {
        const fingerprints = history.schema >= 2 ? 'fingerprints' : '1 AS fingerprints';
        const rows = history.db.prepare(`SELECT id, registry, prefix, scanned_at, ${fingerprints} FROM scans ORDER BY id`).all() as ScanRow[];
        let added = 0;
        for (const row of rows) {
          const source = sourceOf(row);
          // Each scan whole or not at all; one already imported (by this or another server) is skipped.
          const inserted = await db.transaction().execute(async (trx) => {
            const known = await trx.selectFrom('registry_scans').select('id').where('source', '=', source).executeTakeFirst();
            if (known !== undefined) return false;
            await insertScan(trx, readSourceScan(history.db, row), source);
            return true;
          });
          if (inserted) added++;
        }
        return added;
      } finally {
        history.db.close();
      }
    },
  };
}
