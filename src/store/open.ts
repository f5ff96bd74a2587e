import { Migrator, sql } from 'kysely';
import { ShipshapeError, UnsupportedError, UsageError, messageOf } from '../core/errors.js';
import { connectPostgres, connectSqlite, isPostgresUrl, type StoreOptions } from './connect.js';
import type { StoreContext } from './context.js';
import { finishQueries } from './finish.js';
import { defaultMaxHosts, hostReportQueries } from './host-reports.js';
import { imageQueries } from './images.js';
import { importQueries } from './import-history.js';
import { itemQueries } from './items.js';
import { storeMigrations } from './migrations.js';
import type { Store } from './model.js';
import { registryScanQueries } from './registry-scans.js';
import { runResultQueries } from './run-results.js';
import { runQueries } from './runs.js';
import { tokenQueries } from './tokens.js';
import { defaultMaxDocumentBytes } from './values.js';

export type { StoreOptions } from './connect.js';

/**
 * Opens the store at `location`: a `postgres://` / `postgresql://` URL (a pool of connections,
 * made on first use), or else a SQLite file (created with its folders when missing). Call
 * `migrate()` before anything else; `close()` when done.
 */
export async function openStore(location: string, options: StoreOptions = {}): Promise<Store> {
  if (location.trim() === '') throw new UsageError('the store location is empty', { hint: 'give a file path or a postgres:// URL' });
  const dialect = isPostgresUrl(location) ? 'postgres' : 'sqlite';
  const connected = dialect === 'postgres' ? await connectPostgres(location, options) : connectSqlite(location, options);
  const context: StoreContext = {
    db: connected.db,
    dialect,
    maxDocumentBytes: options.maxDocumentBytes ?? defaultMaxDocumentBytes,
    maxHosts: options.maxHosts ?? defaultMaxHosts,
  };
  let closing: Promise<void> | undefined;
  return {
    dialect,
    migrate: () => migrate(context),
    close: () => (closing ??= connected.db.destroy()),
    async ping() {
      try {
        await sql`select 1`.execute(connected.db);
      } catch (error) {
        // Never the URL in a message: it may hold a password.
        const background = connected.lastBackgroundError();
        const message = `the store does not answer: ${messageOf(error)}${background === undefined ? '' : ` (earlier: ${background.message})`}`;
        throw new ShipshapeError('E_STORE', message, { cause: error });
      }
    },
    ...runQueries(context),
    ...finishQueries(context),
    ...runResultQueries(context),
    ...itemQueries(context),
    ...imageQueries(context),
    ...tokenQueries(context),
    ...registryScanQueries(context),
    ...importQueries(context),
    ...hostReportQueries(context),
  };
}

/** Brings the schema to the latest migration (Kysely's Migrator: its lock makes concurrent calls wait, then find nothing to do). */
async function migrate({ db, dialect }: StoreContext): Promise<void> {
  const migrator = new Migrator({ db, provider: storeMigrations(dialect) });
  const { error } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const message = messageOf(error);
  if (/previously executed migration .* is missing/.test(message)) {
    throw new UnsupportedError(`the store was migrated by a newer Shipshape (${message})`, {
      cause: error,
      hint: 'run the Shipshape version that migrated it, or give another store',
    });
  }
  throw new ShipshapeError('E_STORE', `cannot bring the store's tables up to date: ${message}`, { cause: error });
}
