import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import { ShipshapeError, UsageError, messageOf } from '../core/errors.js';
import type { StoreDatabase } from './schema.js';
import { sharedSqliteDialect } from './sqlite-dialect.js';

/** How a store connects; every field has a default. */
export interface StoreOptions {
  /** PostgreSQL: most connections the pool holds at once (default 10). */
  poolSize?: number;
  /** PostgreSQL: longest one statement may run, in ms (default 30 000). */
  statementTimeoutMs?: number;
  /** SQLite: how long a write waits for another process's lock on the file, in ms (default 10 000). */
  busyTimeoutMs?: number;
  /** Largest JSON document (posture document, inventory, layer result) stored, in bytes (default 64 MiB). */
  maxDocumentBytes?: number;
  /** Most hosts whose reports are kept (default 10 000): a report of one more is refused until one is deleted. */
  maxHosts?: number;
  /**
   * PostgreSQL: an idle pooled connection broke (the server restarted or went away). The pool drops
   * it and the next query connects anew; by default the error is kept for `ping()` to report.
   */
  onBackgroundError?: (error: Error) => void;
}

/** A Kysely over one backend, and how to report what broke in the background. */
interface Connected {
  db: Kysely<StoreDatabase>;
  /** The last error of an idle connection, when no `onBackgroundError` was given. */
  lastBackgroundError(): Error | undefined;
}

const defaultPoolSize = 10;
const maxPoolSize = 100;
const defaultStatementTimeoutMs = 30_000;
const defaultBusyTimeoutMs = 10_000;

/** Opens (creating it and its folders) the SQLite file: WAL, foreign keys, a busy timeout. */
export function connectSqlite(file: string, options: StoreOptions): Connected {
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  const busyTimeoutMs = options.busyTimeoutMs ?? defaultBusyTimeoutMs;
  let database: BetterSqlite3.Database;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    database = new Database(file, { timeout: busyTimeoutMs });
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    // From here on the dialect waits for locks itself, without blocking the event loop.
    database.pragma('busy_timeout = 0');
  } catch (error) {
    throw new ShipshapeError('E_STORE', `cannot open the store ${file}: ${messageOf(error)}`, {
      cause: error,
      hint: 'give a writable file path, or a postgres:// URL',
    });
  }
  return { db: new Kysely<StoreDatabase>({ dialect: sharedSqliteDialect(database, busyTimeoutMs) }), lastBackgroundError: () => undefined };
}

/** A pool of at most `poolSize` connections to the PostgreSQL database at `url` (connects on first use). */
export async function connectPostgres(url: string, options: StoreOptions): Promise<Connected> {
  const poolSize = options.poolSize ?? defaultPoolSize;
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > maxPoolSize) {
    throw new UsageError(`the store's pool size must be an integer from 1 to ${maxPoolSize}, not ${poolSize}`);
  }
  const statementTimeout = options.statementTimeoutMs ?? defaultStatementTimeoutMs;
  const { Pool } = await import('pg');
  const pool = new Pool({
    connectionString: url,
    max: poolSize,
    statement_timeout: statementTimeout,
    // A transaction left open by a stuck process must not hold its locks forever.
    idle_in_transaction_session_timeout: Math.max(statementTimeout * 2, 60_000),
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'shipshape',
  });
  let lastError: Error | undefined;
  const background = options.onBackgroundError ?? ((error: Error) => (lastError = error));
  // Without a listener, a client's error (the server restarted) would end the process: the pool
  // listens to idle clients, and a client checked out for a query gets its own listener (its query
  // fails on its own, and the next one takes a new connection).
  pool.on('error', background);
  pool.on('connect', (client) => client.on('error', background));
  return { db: new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) }), lastBackgroundError: () => lastError };
}

/** Whether `location` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}
