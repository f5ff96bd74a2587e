import { setTimeout as sleep } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type QueryResult,
} from 'kysely';

/** Longest pause between two attempts at the write lock. */
const maxRetryPauseMs = 100;

function isBusy(error: unknown): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('SQLITE_BUSY');
}

/**
 * Waits for the write lock without blocking the event loop. better-sqlite3 is synchronous: its own
 * busy timeout would stall the whole process — and with it, the transaction of this same process
 * that holds the lock and is waiting for its next query. So the file's busy timeout is 0 and a
 * statement that found the file locked is tried again, asynchronously, until `busyTimeoutMs`. Only
 * outside a transaction: a statement refused there did nothing (an autocommit statement, or the
 * `BEGIN IMMEDIATE` itself), so trying it again is safe.
 */
class BusyRetryingConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    private readonly database: BetterSqlite3.Database,
    private readonly busyTimeoutMs: number,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const deadline = Date.now() + this.busyTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inner.executeQuery<R>(query);
      } catch (error) {
        if (!isBusy(error) || this.database.inTransaction || Date.now() >= deadline) throw error;
      }
      await sleep(Math.min(maxRetryPauseMs, attempt * 5) * (0.5 + Math.random() / 2));
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/** Every transaction takes the write lock first, so two writers queue instead of failing mid-way. */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    private readonly database: BetterSqlite3.Database,
    private readonly busyTimeoutMs: number,
  ) {
    super({ database });
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    return new BusyRetryingConnection(await super.acquireConnection(), this.database, this.busyTimeoutMs);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite's DDL is transactional: the Migrator then runs the migrations in one (immediate) transaction, its lock across processes. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Kysely's SQLite dialect, with `BEGIN IMMEDIATE` transactions and a busy wait that yields: several
 * processes (or several stores of one process) can share the file. `database` must have its own
 * busy timeout at 0.
 */
export function sharedSqliteDialect(database: BetterSqlite3.Database, busyTimeoutMs: number): Dialect {
  return {
    createDriver: () => new ImmediateSqliteDriver(database, busyTimeoutMs),
    createAdapter: () => new TransactionalDdlSqliteAdapter(),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createIntrospector: (db) => new SqliteIntrospector(db),
  };
}
