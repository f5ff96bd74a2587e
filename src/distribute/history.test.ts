import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptInputError, ShipshapeError } from '../core/errors.js';
import { digestOf } from '../image/digest.js';
import { diffScans, ScanHistory } from './history.js';
import { registryFingerprintScheme } from './rules/check.js';
import { scanReport as report } from './test-scan-report.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const d = (name: string): string => digestOf(name);

const first = report('2026-01-01T10:00:00.000Z', { 'team/app': { v1: 'a', latest: 'a', old: 'b' }, 'team/db': { '15': 'c' } }, ['fp-1', 'fp-2']);
// latest moved a → n; n is a new image; old was removed; fp-3 is new, fp-2 went away
const second = report('2026-01-08T10:00:00.000Z', { 'team/app': { v1: 'a', latest: 'n' }, 'team/db': { '15': 'c' } }, ['fp-1', 'fp-3']);

const expectedChanges = {
  previousScanAt: '2026-01-01T10:00:00.000Z',
  newImages: [{ repository: 'team/app', digest: d('n'), tags: ['latest'] }],
  movedTags: [{ repository: 'team/app', tag: 'latest', from: d('a'), to: d('n') }],
  removedTags: [{ repository: 'team/app', tag: 'old', digest: d('b') }],
  newFindings: ['fp-3'],
};

describe('ScanHistory', () => {
  it('records scans and diffs a stored scan against the next report and the next stored scan', () => {
    const history = ScanHistory.open(path.join(dir, 'cache', 'nested', 'history.sqlite'));
    try {
      expect(history.previous('registry.example:5000', undefined)).toBeUndefined();
      const firstId = history.record(first);
      const before = history.previous('registry.example:5000', undefined);
      expect(before?.id).toBe(firstId);
      expect(diffScans(before!, second)).toEqual(expectedChanges);

      const secondId = history.record(second);
      expect(secondId).toBeGreaterThan(firstId);
      const after = history.previous('registry.example:5000', undefined);
      expect(after?.id).toBe(secondId);
      expect(diffScans(before!, after!)).toEqual(expectedChanges);
      expect(diffScans(after!, second)).toEqual({ previousScanAt: second.scannedAt, newImages: [], movedTags: [], removedTags: [], newFindings: [] });
    } finally {
      history.close();
    }
  });

  it('gives back what was recorded', () => {
    const history = ScanHistory.open(path.join(dir, 'history.sqlite'));
    try {
      const id = history.record(first);
      expect(history.scan(id)).toEqual({
        id,
        registry: 'registry.example:5000',
        prefix: undefined,
        scannedAt: '2026-01-01T10:00:00.000Z',
        fingerprints: registryFingerprintScheme,
        tags: [
          { repository: 'team/app', tag: 'latest', digest: d('a') },
          { repository: 'team/app', tag: 'old', digest: d('b') },
          { repository: 'team/app', tag: 'v1', digest: d('a') },
          { repository: 'team/db', tag: '15', digest: d('c') },
        ],
        images: [
          { repository: 'team/app', digest: d('a') },
          { repository: 'team/app', digest: d('b') },
          { repository: 'team/db', digest: d('c') },
        ].sort((x, y) => (x.repository + x.digest < y.repository + y.digest ? -1 : 1)),
        findings: ['fp-1', 'fp-2'].map((fingerprint) => ({
          fingerprint,
          ruleId: 'SS-REG-001',
          message: `finding ${fingerprint}`,
          repository: 'team/app',
          digest: d('a'),
        })),
      });
      expect(history.scan(id + 100)).toBeUndefined();
    } finally {
      history.close();
    }
  });

  it('keeps scans of a prefix apart from scans of the whole registry, and lists them with counts', () => {
    const history = ScanHistory.open(path.join(dir, 'history.sqlite'));
    try {
      const whole = history.record(first);
      const team = history.record(report('2026-01-02T00:00:00+02:00', { 'team/app': { v1: 'a' } }, [], 'team'));
      const other = history.record({ ...report('2026-01-03T00:00:00Z', { x: { v: 'x' } }, ['z']), registry: 'other.example' });
      expect(history.previous('registry.example:5000', undefined)?.id).toBe(whole);
      expect(history.previous('registry.example:5000', 'team')?.id).toBe(team);
      expect(history.previous('registry.example:5000', 'team/app')).toBeUndefined();
      expect(history.scans()).toEqual([
        { id: whole, registry: 'registry.example:5000', prefix: undefined, scannedAt: '2026-01-01T10:00:00.000Z', images: 3, findings: 2 },
        // the time is stored in one ISO form, so that scans sort by time
        { id: team, registry: 'registry.example:5000', prefix: 'team', scannedAt: '2026-01-01T22:00:00.000Z', images: 1, findings: 0 },
        { id: other, registry: 'other.example', prefix: undefined, scannedAt: '2026-01-03T00:00:00.000Z', images: 1, findings: 1 },
      ]);
      expect(history.scans('other.example').map((s) => s.id)).toEqual([other]);
    } finally {
      history.close();
    }
  });

  it('takes the latest scan by time, not by insertion order', () => {
    const history = ScanHistory.open(path.join(dir, 'history.sqlite'));
    try {
      const later = history.record(second);
      history.record(first);
      expect(history.previous('registry.example:5000', undefined)?.id).toBe(later);
    } finally {
      history.close();
    }
  });

  it('keeps the data when reopened', () => {
    const file = path.join(dir, 'history.sqlite');
    const history = ScanHistory.open(file);
    const id = history.record(first);
    const stored = history.scan(id);
    history.close();
    const reopened = ScanHistory.open(file);
    try {
      expect(reopened.scan(id)).toEqual(stored);
      expect(reopened.scans()).toHaveLength(1);
      expect(reopened.record(second)).toBeGreaterThan(id);
    } finally {
      reopened.close();
    }
  });

  it('writes nothing of a scan that fails half-way', () => {
    const history = ScanHistory.open(path.join(dir, 'history.sqlite'));
    try {
      const broken = report('2026-01-01T10:00:00Z', { 'team/app': { v1: 'a' } }, ['fp']);
      // a finding without a message violates NOT NULL after the scan and its tags are written
      (broken.findings[0] as { message: unknown }).message = null;
      expect(() => history.record(broken)).toThrow();
      expect(history.scans()).toEqual([]);
    } finally {
      history.close();
    }
  });

  it('brings a schema 1 history up, keeping its scans and saying they were fingerprinted by scheme 1', () => {
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    const file = path.join(dir, 'history.sqlite');
    const raw = new Database(file);
    // the tables as schema 1 made them
    raw.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE scans (id INTEGER PRIMARY KEY AUTOINCREMENT, registry TEXT NOT NULL, prefix TEXT, scanned_at TEXT NOT NULL);
      CREATE TABLE scan_tags (scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE, repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (scan_id, repository, tag));
      CREATE TABLE scan_images (scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE, repository TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (scan_id, repository, digest));
      CREATE TABLE scan_findings (scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE, fingerprint TEXT NOT NULL, rule_id TEXT NOT NULL, message TEXT NOT NULL, repository TEXT, tag TEXT, digest TEXT, PRIMARY KEY (scan_id, fingerprint));
      INSERT INTO meta (key, value) VALUES ('kind', 'shipshape-scan-history'), ('schema', '1');
      INSERT INTO scans (registry, prefix, scanned_at) VALUES ('registry.example:5000', NULL, '2026-01-01T10:00:00.000Z');
      INSERT INTO scan_images VALUES (1, 'team/app', '${d('a')}');
      INSERT INTO scan_findings VALUES (1, 'fp-old', 'SS-REG-006', 'team/app:v1,latest has no signature', 'team/app', 'v1', '${d('a')}');
    `);
    raw.close();
    const history = ScanHistory.open(file);
    try {
      expect(history.scan(1)).toMatchObject({
        fingerprints: 1,
        images: [{ repository: 'team/app', digest: d('a') }],
        findings: [{ fingerprint: 'fp-old', ruleId: 'SS-REG-006' }],
      });
      const id = history.record(second);
      expect(history.scan(id)?.fingerprints).toBe(registryFingerprintScheme);
    } finally {
      history.close();
    }
    const check = new Database(file, { readonly: true });
    expect(check.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get()).toEqual({ value: '2' });
    check.close();
  });

  it('refuses a file that is not SQLite, with a clear error', async () => {
    const file = path.join(dir, 'history.sqlite');
    await writeFile(file, 'this is a text file, not a database\n'.repeat(200));
    expect(() => ScanHistory.open(file)).toThrow(CorruptInputError);
    expect(() => ScanHistory.open(file)).toThrow(/is not a Shipshape scan history/);
  });

  it('refuses another SQLite database without touching it, and a history of another schema', () => {
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    const foreign = path.join(dir, 'osv.sqlite');
    const db = new Database(foreign);
    db.exec('CREATE TABLE advisories (id TEXT PRIMARY KEY)');
    db.close();
    expect(() => ScanHistory.open(foreign)).toThrow(/a SQLite database, but not a Shipshape scan history/);
    const check = new Database(foreign, { readonly: true });
    expect((check.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name)).toEqual(['advisories']);
    check.close();

    const file = path.join(dir, 'history.sqlite');
    ScanHistory.open(file).close();
    const raw = new Database(file);
    raw.prepare(`UPDATE meta SET value = '99' WHERE key = 'schema'`).run();
    raw.close();
    let error: unknown;
    try {
      ScanHistory.open(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as ShipshapeError).code).toBe('E_UNSUPPORTED');
    expect(existsSync(file)).toBe(true);
  });
});

describe('diffScans', () => {
  it('counts an image as new per repository, and lists every tag pointing at it', () => {
    const before = {
      id: 1,
      registry: 'r',
      prefix: undefined,
      scannedAt: '2026-01-01T00:00:00.000Z',
      fingerprints: registryFingerprintScheme,
      tags: [],
      images: [{ repository: 'a', digest: d('x') }],
      findings: [],
    };
    const after = report('2026-01-02T00:00:00Z', { a: { one: 'x' }, b: { two: 'x', three: 'x' } }, ['f', 'f']);
    expect(diffScans(before, after)).toEqual({
      previousScanAt: '2026-01-01T00:00:00.000Z',
      newImages: [{ repository: 'b', digest: d('x'), tags: ['three', 'two'] }],
      movedTags: [],
      removedTags: [],
      newFindings: ['f'],
    });
  });
});
