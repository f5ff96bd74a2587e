import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { postgresMissing, startPostgres, type RunningPostgres } from '../test-support/postgres.js';
import { skipWhen } from '../test-support/skip.js';
import type { HostReport } from '../host/scan.js';
import type { ObservedItem, Store } from './model.js';
import { openStore, type StoreOptions } from './open.js';

/** 2026-01-01 10:00 plus `minute` minutes, as an ISO string. */
export const at = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 10, minute)).toISOString();

/** A HIGH finding of the distribute phase, `fields` over it. */
export function observedItem(fingerprint: string, fields: Partial<ObservedItem> = {}): ObservedItem {
  return {
    fingerprint,
    kind: 'finding',
    ruleId: 'SS-REG-001',
    severity: 'HIGH',
    phase: 'distribute',
    category: 'signing',
    title: `finding ${fingerprint}`,
    where: `registry.example/app@sha256:${fingerprint}`,
    detail: undefined,
    ...fields,
  };
}

/**
 * A host scan report (as `parseHostReport` gives it) of `hostname`: Debian, Docker 27 with two
 * containers — `web`, privileged, whose writable layer added a file, and `job`, whose writable
 * layer was not read — and a HIGH and a MEDIUM finding.
 */
export function hostReportOf(hostname: string | undefined, problems: string[] = []): HostReport {
  const facts = { engine: 'docker' as const, image: { reference: 'nginx:1.27' }, privileged: false, mounts: [] };
  return {
    host: {
      hostname,
      root: '/host',
      os: { id: 'debian', name: 'Debian GNU/Linux', version: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', evidence: '/etc/os-release' },
      kernel: { release: '6.1.0-28-amd64', source: '/proc/sys/kernel/osrelease' },
      engines: [{ kind: 'docker', version: '27.3.1', containers: 2 }],
      configFiles: ['/etc/docker/daemon.json'],
      problems,
    },
    containers: [
      {
        ...facts,
        id: 'a'.repeat(64),
        name: 'web',
        privileged: true,
        drift: {
          added: ['/tmp/x'],
          modified: [],
          deleted: [],
          executables: [],
          packages: { installed: [], removed: [] },
          secrets: [],
          etc: [],
          bytes: 1,
          warnings: [],
        },
      },
      { ...facts, id: 'b'.repeat(64), name: 'job', drift: undefined, driftUnknown: 'its writable layer is gone' },
    ],
    findings: [
      {
        ruleId: 'SS-CTR-001',
        title: 'Privileged container',
        severity: 'HIGH',
        message: 'container web: privileged',
        container: { id: 'a'.repeat(64), name: 'web' },
        location: {},
        fingerprint: 'f1',
      },
      {
        ruleId: 'SS-DRIFT-009',
        title: 'Writable layer not read',
        severity: 'MEDIUM',
        message: 'container job: not read',
        container: { id: 'b'.repeat(64), name: 'job' },
        location: {},
        fingerprint: 'f2',
      },
    ],
  };
}

/** One backend under test, with a fresh database for each test. */
interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** This test's store, migrated. */
  readonly store: Store;
  /** Where this test's store lives (a file, or a postgres:// URL). */
  readonly location: string;
  /** Another store on `location` (default: this test's database), as a second server would open it; closed after the test. */
  open(location?: string, options?: StoreOptions): Promise<Store>;
  /** A new, empty database of this backend (not migrated). */
  newLocation(): Promise<string>;
  /** Runs SQL on `location` (default: this test's database) past the store, to look at or alter what it wrote. */
  query(text: string, location?: string): Promise<Record<string, unknown>[]>;
}

/** Runs `text` with a connection of its own: better-sqlite3 on a file, pg on a URL. */
async function rawQuery(location: string, text: string): Promise<Record<string, unknown>[]> {
  if (!location.startsWith('postgres://')) {
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    const db = new Database(location);
    try {
      const statement = db.prepare(text);
      if (statement.reader) return statement.all() as Record<string, unknown>[];
      statement.run();
      return [];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(text)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Declares the same tests for SQLite and PostgreSQL: `describe('sqlite' | 'postgres')` around
 * `tests`, each test on a new database (PostgreSQL: one server per test file, a `CREATE DATABASE`
 * per test), the PostgreSQL suite skipped with a reason where it is not installed.
 */
export function describeBackends(tests: (backend: Backend) => void): void {
  for (const name of ['sqlite', 'postgres'] as const) {
    describe(name, skipWhen(name === 'postgres' ? postgresMissing() : undefined), () => {
      let server: RunningPostgres | undefined;
      let dir = '';
      let databases = 0;
      let current: { store: Store; location: string } | undefined;
      const opened: Store[] = [];

      if (name === 'postgres') {
        beforeAll(async () => {
          server = await startPostgres();
        });
        afterAll(async () => {
          await server?.stop();
        });
      }

      const newLocation = async (): Promise<string> => {
        databases++;
        if (server === undefined) return path.join(dir, `db${databases}`, 'store.sqlite');
        return server.createDatabase(`test_${databases}`);
      };
      const open = async (location = current?.location, options?: StoreOptions): Promise<Store> => {
        if (location === undefined) throw new Error('no database yet');
        const store = await openStore(location, options);
        opened.push(store);
        return store;
      };

      beforeEach(async () => {
        dir = await mkdtemp(path.join(tmpdir(), 'shipshape-store-'));
        const location = await newLocation();
        const store = await open(location);
        await store.migrate();
        current = { store, location };
      });
      afterEach(async () => {
        for (const store of opened.splice(0)) await store.close();
        current = undefined;
        await rm(dir, { recursive: true, force: true });
      });

      tests({
        name,
        get store() {
          if (current === undefined) throw new Error('the store exists during a test only');
          return current.store;
        },
        get location() {
          if (current === undefined) throw new Error('the store exists during a test only');
          return current.location;
        },
        open,
        newLocation,
        query: (text, location = current?.location) => {
          if (location === undefined) throw new Error('no database yet');
          return rawQuery(location, text);
        },
      });
    });
  }
}
