import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { ShipshapeError } from '../../core/errors.js';
import type { OsvAffected, OsvRecord } from './osv.js';
import { ecosystemBase, packageKey } from './osv.js';

/** Bump when the tables change: an older database is then refused with a clear message to re-import. */
const schemaVersion = 1;
/** How long a statement waits for a lock someone holds briefly (a reader's checkpoint), in ms. */
const busyTimeoutMs = 5000;
/** How often a waiting import tries the write lock again, in ms. */
const lockPollMs = 100;

/** How an import waits for the write lock another import holds. */
export interface LockWait {
  /** Longest wait, in ms; then it fails with `E_LOCKED` ("another import is running"). */
  waitMs: number;
  /** Said once, when the wait begins. */
  onWait?: ((message: string) => void) | undefined;
  /** The wait as the user wrote it (`60s`), for messages. */
  shown?: string | undefined;
}

/** One advisory as matching reads it back: the record's shared fields and one affected entry. */
export interface StoredAdvisory {
  id: string;
  aliases: string[];
  summary: string | undefined;
  modified: string;
  published: string | undefined;
  severity: { type: string; score: string }[];
  references: { type: string; url: string }[];
  affected: OsvAffected;
}

interface SourceInfo {
  location: string;
  importedAt: string;
  records: number;
}

export interface StoreStatus {
  path: string;
  advisories: number;
  withdrawn: number;
  /** Per ecosystem as OSV names it (`Debian:12` is a release's): advisories held (withdrawn left out) and the newest `modified`. */
  ecosystems: { ecosystem: string; advisories: number; newestModified: string }[];
  sources: SourceInfo[];
  /** When the last import finished. */
  updatedAt: string | undefined;
}

/**
 * The advisory database: OSV records in SQLite (better-sqlite3), under the cache directory,
 * indexed by (ecosystem, package) so a lookup costs an index probe whatever the database's size.
 * Each import runs in one transaction: an import that fails or is interrupted leaves the previous
 * database as it was.
 */
export class AdvisoryStore {
  private constructor(
    readonly path: string,
    private readonly db: BetterSqlite3.Database,
    private readonly lock: LockWait,
  ) {}

  static defaultPath(cacheDir: string): string {
    return path.join(cacheDir, 'advisories', 'osv.sqlite');
  }

  /**
   * Opens (creating if asked) the database at `file`. `lock` says how a transaction waits for the
   * write lock of another import (default: not at all).
   */
  static open(file: string, options: { create: boolean; readonly?: boolean; lock?: LockWait }): AdvisoryStore {
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    if (options.create) mkdirSync(path.dirname(file), { recursive: true });
    let db: BetterSqlite3.Database;
    try {
      db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: !options.create, timeout: busyTimeoutMs });
    } catch (error) {
      throw new ShipshapeError('E_NOT_FOUND', `no advisory database at ${file}`, {
        cause: error,
        hint: 'import advisories first: shipshape db import <osv dir|zip|file> (or shipshape db update)',
      });
    }
    const store = new AdvisoryStore(file, db, options.lock ?? { waitMs: 0 });
    try {
      // an existing database needs no write to open: another import holding it does not stop us here
      if (options.create && !store.hasSchema()) store.migrate();
      store.checkVersion();
    } catch (error) {
      db.close();
      throw isBusy(error) ? store.lockedError() : error;
    }
    return store;
  }

  private hasSchema(): boolean {
    const meta = this.db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").get();
    return meta !== undefined && this.db.prepare("SELECT 1 FROM meta WHERE key = 'schema'").get() !== undefined;
  }

  private migrate(): void {
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS advisories (
        id TEXT PRIMARY KEY, modified TEXT NOT NULL, published TEXT, withdrawn TEXT,
        aliases TEXT NOT NULL, summary TEXT, severity TEXT NOT NULL, refs TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS affected (
        advisory_id TEXT NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
        ecosystem TEXT NOT NULL, ecosystem_base TEXT NOT NULL, package TEXT NOT NULL, data TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS affected_lookup ON affected (ecosystem, package);
      CREATE INDEX IF NOT EXISTS affected_advisory ON affected (advisory_id);
      CREATE TABLE IF NOT EXISTS sources (location TEXT PRIMARY KEY, imported_at TEXT NOT NULL, records INTEGER NOT NULL);
    `);
    this.db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)`).run(String(schemaVersion));
  }

  private checkVersion(): void {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get() as { value: string } | undefined;
    if (row?.value !== String(schemaVersion)) {
      throw new ShipshapeError('E_UNSUPPORTED', `the advisory database ${this.path} has schema ${row?.value ?? 'unknown'}, not ${schemaVersion}`, {
        hint: `delete it and import again: rm ${this.path}; shipshape db import ...`,
      });
    }
  }

  /**
   * Runs `work` in one transaction: all of an import lands, or none of it (an error, or a process
   * killed half-way, leaves the database as it was). `work` may be asynchronous — records are written
   * as they are read, so memory does not grow with the size of the import. A record replaces an
   * earlier one with the same id.
   */
  async transaction<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    const deleteAffected = this.db.prepare('DELETE FROM affected WHERE advisory_id = ?');
    const upsert = this.db.prepare(
      `INSERT OR REPLACE INTO advisories (id, modified, published, withdrawn, aliases, summary, severity, refs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertAffected = this.db.prepare('INSERT INTO affected (advisory_id, ecosystem, ecosystem_base, package, data) VALUES (?, ?, ?, ?, ?)');
    const source = this.db.prepare('INSERT OR REPLACE INTO sources (location, imported_at, records) VALUES (?, ?, ?)');
    const meta = this.db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`);
    const writer: StoreWriter = {
      put(record: OsvRecord) {
        deleteAffected.run(record.id);
        upsert.run(
          record.id,
          record.modified,
          record.published ?? null,
          record.withdrawn ?? null,
          JSON.stringify(record.aliases ?? []),
          record.summary ?? null,
          JSON.stringify(record.severity ?? []),
          JSON.stringify(record.references ?? []),
        );
        for (const entry of record.affected ?? []) {
          if (!entry.package) continue; // affected entries without a package name nothing we can match
          const { ecosystem, name } = entry.package;
          insertAffected.run(record.id, ecosystem, ecosystemBase(ecosystem), packageKey(ecosystem, name), JSON.stringify(entry));
        }
      },
      source(location: string, importedAt: string, records: number) {
        source.run(location, importedAt, records);
        meta.run('updated_at', importedAt);
      },
    };
    await this.beginImmediate();
    try {
      const result = await work(writer);
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Takes the write lock (`BEGIN IMMEDIATE`). While another import holds it, tries again every
   * `lockPollMs` — the event loop runs meanwhile: progress, Ctrl-C — until `lock.waitMs` has passed.
   */
  private async beginImmediate(): Promise<void> {
    const { waitMs, onWait, shown } = this.lock;
    const deadline = Date.now() + waitMs;
    this.db.pragma('busy_timeout = 0');
    try {
      for (let waiting = false; ; waiting = true) {
        try {
          this.db.exec('BEGIN IMMEDIATE');
          return;
        } catch (error) {
          if (!isBusy(error)) throw error;
          const left = deadline - Date.now();
          if (left <= 0) throw this.lockedError();
          if (!waiting) onWait?.(`another import is running on ${this.path}; waiting up to ${shown ?? `${Math.ceil(waitMs / 1000)}s`} for it to finish`);
          await sleep(Math.min(lockPollMs, left));
        }
      }
    } finally {
      this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    }
  }

  private lockedError(): ShipshapeError {
    return new ShipshapeError('E_LOCKED', `another import is running on ${this.path} (it holds the database's write lock); nothing was imported`, {
      hint: 'run the import again when it has finished, or wait longer for it with --lock-timeout (e.g. --lock-timeout 10m)',
    });
  }

  /** Advisories for one package of one ecosystem; withdrawn records are never returned. */
  lookup(ecosystem: string, name: string): StoredAdvisory[] {
    const rows = this.db
      .prepare(
        `SELECT a.id, a.modified, a.published, a.aliases, a.summary, a.severity, a.refs, f.data
         FROM affected f JOIN advisories a ON a.id = f.advisory_id
         WHERE f.ecosystem = ? AND f.package = ? AND a.withdrawn IS NULL`,
      )
      .all(ecosystem, packageKey(ecosystem, name)) as {
      id: string;
      modified: string;
      published: string | null;
      aliases: string;
      summary: string | null;
      severity: string;
      refs: string;
      data: string;
    }[];
    return rows.map((row) => ({
      id: row.id,
      aliases: JSON.parse(row.aliases) as string[],
      summary: row.summary ?? undefined,
      modified: row.modified,
      published: row.published ?? undefined,
      severity: JSON.parse(row.severity) as { type: string; score: string }[],
      references: JSON.parse(row.refs) as { type: string; url: string }[],
      affected: JSON.parse(row.data) as OsvAffected,
    }));
  }

  private readonly counts = new Map<string, number>();

  /** Advisories held for one ecosystem (withdrawn ones not counted); remembered for the store's life. */
  advisoryCount(ecosystem: string): number {
    let count = this.counts.get(ecosystem);
    if (count === undefined) {
      count = (
        this.db
          .prepare(
            'SELECT COUNT(DISTINCT f.advisory_id) AS n FROM affected f JOIN advisories a ON a.id = f.advisory_id WHERE f.ecosystem = ? AND a.withdrawn IS NULL',
          )
          .get(ecosystem) as { n: number }
      ).n;
      this.counts.set(ecosystem, count);
    }
    return count;
  }

  status(): StoreStatus {
    const count = (sql: string): number => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      path: this.path,
      advisories: count('SELECT COUNT(*) AS n FROM advisories WHERE withdrawn IS NULL'),
      withdrawn: count('SELECT COUNT(*) AS n FROM advisories WHERE withdrawn IS NOT NULL'),
      ecosystems: this.db
        .prepare(
          `SELECT f.ecosystem, COUNT(DISTINCT f.advisory_id) AS advisories, MAX(a.modified) AS newestModified
           FROM affected f JOIN advisories a ON a.id = f.advisory_id WHERE a.withdrawn IS NULL GROUP BY f.ecosystem ORDER BY f.ecosystem`,
        )
        .all() as StoreStatus['ecosystems'],
      sources: this.db.prepare('SELECT location, imported_at AS importedAt, records FROM sources ORDER BY imported_at').all() as SourceInfo[],
      updatedAt: (this.db.prepare(`SELECT value FROM meta WHERE key = 'updated_at'`).get() as { value: string } | undefined)?.value,
    };
  }

  close(): void {
    this.db.close();
  }
}

/** SQLite's "database is locked": another connection holds the lock this statement needs. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
}

export interface StoreWriter {
  put(record: OsvRecord): void;
  source(location: string, importedAt: string, records: number): void;
}
