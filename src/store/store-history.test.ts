import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptInputError, NotFoundError, UnsupportedError } from '../core/errors.js';
import { diffScans, ScanHistory } from '../distribute/history.js';
import type { RegistryScanReport } from '../distribute/model.js';
import { registryFingerprintScheme } from '../distribute/rules/check.js';
import { scanReport } from '../distribute/test-scan-report.js';
import { digestOf } from '../image/digest.js';
import { describeBackends } from './test-backends.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const d = (name: string): string => digestOf(name);

/** `scanReport` with its findings at other places: fingerprint, repository, tag (then on image `a`). */
function report(scannedAt: string, tags: Record<string, Record<string, string>>, findings: [string, string, string?][], prefix?: string): RegistryScanReport {
  const base = scanReport(scannedAt, tags, [], prefix);
  const finding = (fingerprint: string, repository: string, tag: string | undefined): RegistryScanReport['findings'][number] => ({
    ...scanReport(scannedAt, {}, [fingerprint]).findings[0]!,
    target: { registry: base.registry, repository, tag, digest: tag === undefined ? undefined : d('a') },
  });
  return { ...base, findings: findings.map(([fingerprint, repository, tag]) => finding(fingerprint, repository, tag)) };
}

// Upper case, '-' and '/' in names: the order must be by code point on both backends.
const first = report('2026-01-01T10:00:00Z', { 'team/app': { v1: 'a', latest: 'a', old: 'b' }, 'team-x': { '15': 'c' }, 'Team/App': { Z: 'c' } }, [
  ['fp-2', 'team/app', 'v1'],
  ['fp-1', 'team/app'],
  ['fp-1', 'team-x'],
]);
const second = report('2026-01-08T10:00:00+01:00', { 'team/app': { v1: 'a', latest: 'n' }, 'team-x': { '15': 'c' } }, [
  ['fp-3', 'team/app', 'latest'],
  ['fp-1', 'team/app'],
]);
const scoped = report('2026-01-02T00:00:00Z', { 'team/app': { v1: 'a' } }, [], 'team');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-store-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A history.sqlite with `reports` recorded by distribute/history.ts, closed; its path. */
function historyFile(name: string, reports: RegistryScanReport[]): string {
  const file = path.join(dir, name, 'history.sqlite');
  const history = ScanHistory.open(file);
  for (const scan of reports) history.record(scan);
  history.close();
  return file;
}

/** A scan's content without its id (ids differ between the history and the store). */
const withoutId = <T extends { id: number }>({ id: _id, ...rest }: T): Omit<T, 'id'> => rest;

describeBackends((backend) => {
  describe('registry scan history', () => {
    it('gives the same answers as ScanHistory', async () => {
      const history = ScanHistory.open(path.join(dir, 'reference', 'history.sqlite'));
      try {
        const { store } = backend;
        for (const scan of [second, first, scoped]) expect(await store.recordRegistryScan(scan)).toBe(history.record(scan));
        expect(await store.listRegistryScans()).toEqual(history.scans());
        expect(await store.listRegistryScans('other.example')).toEqual([]);
        for (const id of [1, 2, 3, 4]) expect(await store.getRegistryScan(id)).toEqual(history.scan(id));
        expect(await store.previousRegistryScan('registry.example:5000', undefined)).toEqual(history.previous('registry.example:5000', undefined));
        expect(await store.previousRegistryScan('registry.example:5000', 'team')).toEqual(history.previous('registry.example:5000', 'team'));
        expect(await store.previousRegistryScan('registry.example:5000', 'nope')).toBeUndefined();
        const before = (await store.getRegistryScan(2))!;
        expect(before.fingerprints).toBe(registryFingerprintScheme);
        expect(diffScans(before, (await store.getRegistryScan(1))!)).toEqual(diffScans(history.scan(2)!, history.scan(1)!));
        expect(diffScans(before, second).newFindings).toEqual(['fp-3']);
      } finally {
        history.close();
      }
    });

    it('imports a history once: the same file again, from anywhere, adds nothing', async () => {
      const { store } = backend;
      const file = historyFile('cache', [first, scoped, second]);
      const reference = ScanHistory.open(file);
      const expected = reference.scans().map((s) => withoutId(reference.scan(s.id)!));
      reference.close();
      expect(await store.importScanHistory(file)).toBe(3);
      const imported = await Promise.all((await store.listRegistryScans()).map(async (s) => withoutId((await store.getRegistryScan(s.id))!)));
      expect(imported).toEqual(expected);

      expect(await store.importScanHistory(file)).toBe(0);
      const copy = path.join(dir, 'copy.sqlite');
      await copyFile(file, copy);
      expect(await store.importScanHistory(copy)).toBe(0);
      expect(await store.listRegistryScans()).toHaveLength(3);
      // another history's scan 1 is another scan
      expect(await store.importScanHistory(historyFile('elsewhere', [report('2026-02-01T00:00:00Z', { a: { v: 'x' } }, [])]))).toBe(1);
      expect(await store.listRegistryScans()).toHaveLength(4);
    });

    it('imports a schema 1 history, its scans fingerprinted by scheme 1, without changing the file', async () => {
      const file = path.join(dir, 'old.sqlite');
      const raw = new Database(file);
      raw.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE scans (id INTEGER PRIMARY KEY AUTOINCREMENT, registry TEXT NOT NULL, prefix TEXT, scanned_at TEXT NOT NULL);
        CREATE TABLE scan_tags (scan_id INTEGER NOT NULL, repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (scan_id, repository, tag));
        CREATE TABLE scan_images (scan_id INTEGER NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (scan_id, repository, digest));
        CREATE TABLE scan_findings (scan_id INTEGER NOT NULL, fingerprint TEXT NOT NULL, rule_id TEXT NOT NULL, message TEXT NOT NULL, repository TEXT, tag TEXT, digest TEXT, PRIMARY KEY (scan_id, fingerprint));
        INSERT INTO meta (key, value) VALUES ('kind', 'shipshape-scan-history'), ('schema', '1');
        INSERT INTO scans (registry, prefix, scanned_at) VALUES ('registry.example:5000', NULL, '2026-01-01T10:00:00.000Z');
        INSERT INTO scan_tags VALUES (1, 'team/app', 'v1', '${d('a')}');
        INSERT INTO scan_images VALUES (1, 'team/app', '${d('a')}');
        INSERT INTO scan_findings VALUES (1, 'fp-old', 'SS-REG-006', 'team/app:v1 has no signature', 'team/app', 'v1', '${d('a')}');
      `);
      raw.close();
      expect(await backend.store.importScanHistory(file)).toBe(1);
      const [summary] = await backend.store.listRegistryScans();
      expect(await backend.store.getRegistryScan(summary!.id)).toEqual({
        id: summary!.id,
        registry: 'registry.example:5000',
        prefix: undefined,
        scannedAt: '2026-01-01T10:00:00.000Z',
        fingerprints: 1,
        tags: [{ repository: 'team/app', tag: 'v1', digest: d('a') }],
        images: [{ repository: 'team/app', digest: d('a') }],
        findings: [{ fingerprint: 'fp-old', ruleId: 'SS-REG-006', message: 'team/app:v1 has no signature', repository: 'team/app', tag: 'v1', digest: d('a') }],
      });
      // read-only: the file keeps schema 1 (ScanHistory.open would have migrated it)
      const check = new Database(file, { readonly: true });
      expect(check.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get()).toEqual({ value: '1' });
      check.close();
      expect(await backend.store.importScanHistory(file)).toBe(0);
    });

    it('refuses a file that is not a scan history', async () => {
      const { store } = backend;
      const text = path.join(dir, 'text.sqlite');
      await writeFile(text, 'not a database\n'.repeat(300));
      await expect(store.importScanHistory(text)).rejects.toBeInstanceOf(CorruptInputError);
      const foreign = path.join(dir, 'osv.sqlite');
      const db = new Database(foreign);
      db.exec(`CREATE TABLE advisories (id TEXT PRIMARY KEY)`);
      db.close();
      await expect(store.importScanHistory(foreign)).rejects.toBeInstanceOf(CorruptInputError);
      const other = path.join(dir, 'other.sqlite');
      const otherDb = new Database(other);
      otherDb.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); CREATE TABLE scans (id INTEGER PRIMARY KEY);
        INSERT INTO meta VALUES ('kind', 'something-else'), ('schema', '1');`);
      otherDb.close();
      await expect(store.importScanHistory(other)).rejects.toThrow(/not a Shipshape scan history/);
      const newer = historyFile('newer', []);
      const newerDb = new Database(newer);
      newerDb.prepare(`UPDATE meta SET value = '3' WHERE key = 'schema'`).run();
      newerDb.close();
      await expect(store.importScanHistory(newer)).rejects.toBeInstanceOf(UnsupportedError);
      await expect(store.importScanHistory(path.join(dir, 'missing.sqlite'))).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.importScanHistory(dir)).rejects.toBeInstanceOf(CorruptInputError);
      expect(await store.listRegistryScans()).toEqual([]);
    });
  });
});
