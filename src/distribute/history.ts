import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { uniqueBy } from '../core/collections.js';
import { CorruptInputError, ShipshapeError, UsageError, messageOf } from '../core/errors.js';
import type { RegistryChanges, RegistryScanReport } from './model.js';
import { registryFingerprintScheme } from './rules/check.js';

/** Bump when the tables change; `migrations` brings older histories up, newer ones are refused. */
const schemaVersion = 2;
/** SQL that takes a history from schema N - 1 to N (index N - 2). */
const migrations: readonly string[] = [
  // 2: each scan says how its findings were fingerprinted; the scans before were fingerprinted by scheme 1
  'ALTER TABLE scans ADD COLUMN fingerprints INTEGER NOT NULL DEFAULT 1;',
];
/** Marks a SQLite file as ours, so another database (the advisory DB) is never written into. */
const kind = 'shipshape-scan-history';

/** One recorded registry scan, as the history gives it back. */
export interface StoredScan {
  id: number;
  registry: string;
  prefix: string | undefined;
  scannedAt: string;
  /** How the scan's findings were fingerprinted (`registryFingerprintScheme` when it was recorded). */
  fingerprints: number;
  tags: { repository: string; tag: string; digest: string }[];
  images: { repository: string; digest: string }[];
  findings: { fingerprint: string; ruleId: string; message: string; repository?: string; tag?: string; digest?: string }[];
}

export interface ScanSummary {
  id: number;
  registry: string;
  prefix: string | undefined;
  scannedAt: string;
  images: number;
  findings: number;
}

/** A `scans` row (the store's `registry_scans` has the same columns). */
export interface ScanRow {
  id: number;
  registry: string;
  prefix: string | null;
  scanned_at: string;
  fingerprints: number;
}

/** A `scan_findings` row, without its scan id. */
export interface ScanFindingRow {
  fingerprint: string;
  rule_id: string;
  message: string;
  repository: string | null;
  tag: string | null;
  digest: string | null;
}

/** A stored scan from its rows (a finding's missing target fields are left out, not undefined). */
export function storedScanOf(row: ScanRow, tags: StoredScan['tags'], images: StoredScan['images'], findings: ScanFindingRow[]): StoredScan {
  return {
    id: row.id,
    registry: row.registry,
    prefix: row.prefix ?? undefined,
    scannedAt: row.scanned_at,
    fingerprints: row.fingerprints,
    tags,
    images,
    findings: findings.map((f) => ({
      fingerprint: f.fingerprint,
      ruleId: f.rule_id,
      message: f.message,
      ...(f.repository === null ? {} : { repository: f.repository }),
      ...(f.tag === null ? {} : { tag: f.tag }),
      ...(f.digest === null ? {} : { digest: f.digest }),
    })),
  };
}

/**
 * The registry scan history: what each scan saw (tag → digest, images, finding fingerprints), in
 * SQLite, so the next scan can say what changed. A scan is written in one transaction: a scan is
 * in the history whole or not at all.
 */
export class ScanHistory {
  private constructor(
    readonly path: string,
    private readonly db: BetterSqlite3.Database,
  ) {}

  /** Opens the history at `file`, creating it (and its folders) when missing. */
  static open(file: string): ScanHistory {
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    mkdirSync(path.dirname(file), { recursive: true });
    let db: BetterSqlite3.Database;
    try {
      db = new Database(file);
    } catch (error) {
      throw new ShipshapeError('E_CACHE', `cannot open the scan history ${file}: ${messageOf(error)}`, { cause: error });
    }
    const history = new ScanHistory(file, db);
    try {
      history.prepare();
    } catch (error) {
      db.close();
      if (error instanceof ShipshapeError) throw error;
      // SQLITE_NOTADB and friends: the file is something else
      throw new CorruptInputError(`${file} is not a Shipshape scan history (${messageOf(error)})`, {
        cause: error,
        hint: 'give another --cache-dir, or move the file away so that a new history can be created',
      });
    }
    return history;
  }

  private prepare(): void {
    const tables = (this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    if (tables.length === 0) this.create();
    const meta = tables.length === 0 || tables.includes('meta') ? this.metaValues() : new Map<string, string>();
    if (meta.get('kind') !== kind) {
      throw new CorruptInputError(`${this.path} is a SQLite database, but not a Shipshape scan history`, {
        hint: 'give another --cache-dir, or move the file away so that a new history can be created',
      });
    }
    const schema = Number(meta.get('schema'));
    if (Number.isInteger(schema) && schema >= 1 && schema < schemaVersion) this.migrate(schema);
    else if (meta.get('schema') !== String(schemaVersion)) {
      throw new ShipshapeError('E_UNSUPPORTED', `the scan history ${this.path} has schema ${meta.get('schema') ?? 'unknown'}, not ${schemaVersion}`, {
        hint: `move it away to start a new history: mv ${this.path} ${this.path}.old`,
      });
    }
    this.db.pragma('foreign_keys = ON');
  }

  /** Brings a history of an older schema up to this one, in one transaction. */
  private migrate(from: number): void {
    this.db
      .transaction(() => {
        for (const sql of migrations.slice(from - 1)) this.db.exec(sql);
        this.db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema'`).run(String(schemaVersion));
      })
      .immediate();
  }

  private create(): void {
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      BEGIN;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE scans (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        registry TEXT NOT NULL, prefix TEXT, scanned_at TEXT NOT NULL,
        fingerprints INTEGER NOT NULL DEFAULT 1);
      CREATE INDEX scans_by_target ON scans (registry, prefix, scanned_at);
      CREATE TABLE scan_tags (
        scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL,
        PRIMARY KEY (scan_id, repository, tag));
      CREATE TABLE scan_images (
        scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        repository TEXT NOT NULL, digest TEXT NOT NULL,
        PRIMARY KEY (scan_id, repository, digest));
      CREATE TABLE scan_findings (
        scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL, rule_id TEXT NOT NULL, message TEXT NOT NULL,
        repository TEXT, tag TEXT, digest TEXT,
        PRIMARY KEY (scan_id, fingerprint));
      INSERT INTO meta (key, value) VALUES ('kind', '${kind}'), ('schema', '${schemaVersion}');
      COMMIT;
    `);
  }

  private metaValues(): Map<string, string> {
    const rows = this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  /** The latest scan of exactly this registry and prefix (a whole-registry scan is not a prefix's). */
  previous(registry: string, prefix: string | undefined): StoredScan | undefined {
    const row = this.db
      .prepare('SELECT id FROM scans WHERE registry = ? AND prefix IS ? ORDER BY scanned_at DESC, id DESC LIMIT 1')
      .get(registry, prefix ?? null) as { id: number } | undefined;
    return row === undefined ? undefined : this.scan(row.id);
  }

  /** Records a scan in one transaction; returns its id. */
  record(report: RegistryScanReport): number {
    const scannedAt = normaliseTime(report.scannedAt);
    const insertScan = this.db.prepare('INSERT INTO scans (registry, prefix, scanned_at, fingerprints) VALUES (?, ?, ?, ?)');
    // ON CONFLICT, not OR IGNORE: only a repeated key is skipped, a NULL where none belongs still fails
    const insertTag = this.db.prepare(
      'INSERT INTO scan_tags (scan_id, repository, tag, digest) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET digest = excluded.digest',
    );
    const insertImage = this.db.prepare('INSERT INTO scan_images (scan_id, repository, digest) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    const insertFinding = this.db.prepare(
      'INSERT INTO scan_findings (scan_id, fingerprint, rule_id, message, repository, tag, digest) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    const write = this.db.transaction((): number => {
      const id = Number(insertScan.run(report.registry, report.prefix ?? null, scannedAt, registryFingerprintScheme).lastInsertRowid);
      for (const repository of report.repositories) {
        for (const tag of repository.tags) insertTag.run(id, repository.name, tag.tag, tag.digest);
        for (const image of repository.images) insertImage.run(id, repository.name, image.digest);
      }
      for (const finding of report.findings) {
        const { repository, tag, digest } = finding.target;
        insertFinding.run(id, finding.fingerprint, finding.ruleId, finding.message, repository ?? null, tag ?? null, digest ?? null);
      }
      return id;
    });
    return write.immediate();
  }

  /** Every recorded scan (of one registry, when given), oldest first. */
  scans(registry?: string): ScanSummary[] {
    const rows = this.db
      .prepare(
        `SELECT s.id, s.registry, s.prefix, s.scanned_at,
           (SELECT COUNT(*) FROM scan_images i WHERE i.scan_id = s.id) AS images,
           (SELECT COUNT(*) FROM scan_findings f WHERE f.scan_id = s.id) AS findings
         FROM scans s WHERE ? IS NULL OR s.registry = ? ORDER BY s.scanned_at, s.id`,
      )
      .all(registry ?? null, registry ?? null) as (Omit<ScanRow, 'fingerprints'> & { images: number; findings: number })[];
    return rows.map((row) => ({
      id: row.id,
      registry: row.registry,
      prefix: row.prefix ?? undefined,
      scannedAt: row.scanned_at,
      images: row.images,
      findings: row.findings,
    }));
  }

  scan(id: number): StoredScan | undefined {
    const row = this.db.prepare('SELECT id, registry, prefix, scanned_at, fingerprints FROM scans WHERE id = ?').get(id) as ScanRow | undefined;
    if (row === undefined) return undefined;
    const tags = this.db.prepare('SELECT repository, tag, digest FROM scan_tags WHERE scan_id = ? ORDER BY repository, tag').all(id) as StoredScan['tags'];
    const images = this.db.prepare('SELECT repository, digest FROM scan_images WHERE scan_id = ? ORDER BY repository, digest').all(id) as StoredScan['images'];
    const findings = this.db
      .prepare('SELECT fingerprint, rule_id, message, repository, tag, digest FROM scan_findings WHERE scan_id = ? ORDER BY fingerprint')
      .all(id) as ScanFindingRow[];
    return storedScanOf(row, tags, images, findings);
  }

  close(): void {
    this.db.close();
  }
}

/** ISO in one form (`toISOString`), so that scans sort by time as text. */
function normaliseTime(time: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new UsageError(`the scan time ${JSON.stringify(time)} is not an ISO date`);
  return new Date(ms).toISOString();
}

/** What the history needs of a scan, from a stored scan or a fresh report. */
export function contentOf(scan: StoredScan | RegistryScanReport): Pick<StoredScan, 'tags' | 'images' | 'findings' | 'fingerprints'> {
  if (!('repositories' in scan)) return scan;
  return {
    tags: scan.repositories.flatMap((r) => r.tags.map((t) => ({ repository: r.name, tag: t.tag, digest: t.digest }))),
    images: scan.repositories.flatMap((r) => r.images.map((i) => ({ repository: r.name, digest: i.digest }))),
    findings: scan.findings.map((f) => ({
      fingerprint: f.fingerprint,
      ruleId: f.ruleId,
      message: f.message,
      repository: f.target.repository,
      tag: f.target.tag,
      digest: f.target.digest,
    })),
    fingerprints: registryFingerprintScheme,
  };
}

const key = (...parts: string[]): string => parts.join('\0');

/**
 * What changed from `before` to `after`: images (by repository and digest) not seen before, tags that
 * now point elsewhere, tags that are gone, and findings that are new. Sorted, so that the same two
 * scans always give the same answer. Findings are compared by fingerprint; when the two scans were
 * fingerprinted differently (a history older than the fingerprint scheme), by rule, repository and
 * digest — a finding on an image that was there before is not new either way.
 */
export function diffScans(before: StoredScan, after: StoredScan | RegistryScanReport): RegistryChanges {
  const now = contentOf(after);
  const tagsBefore = new Map(before.tags.map((t) => [key(t.repository, t.tag), t]));
  const tagsAfter = new Map(now.tags.map((t) => [key(t.repository, t.tag), t]));
  const imagesBefore = new Set(before.images.map((i) => key(i.repository, i.digest)));
  const findingKey =
    before.fingerprints === now.fingerprints
      ? (f: StoredScan['findings'][number]): string => f.fingerprint
      : (f: StoredScan['findings'][number]): string => key(f.ruleId, f.repository ?? '', f.digest ?? '');
  const findingsBefore = new Set(before.findings.map(findingKey));

  const newImages = uniqueBy(now.images, (i) => key(i.repository, i.digest))
    .filter((image) => !imagesBefore.has(key(image.repository, image.digest)))
    .map((image) => ({
      repository: image.repository,
      digest: image.digest,
      tags: now.tags
        .filter((t) => t.repository === image.repository && t.digest === image.digest)
        .map((t) => t.tag)
        .sort(),
    }));
  const movedTags = [...tagsAfter.entries()].flatMap(([id, tag]) => {
    const old = tagsBefore.get(id);
    return old && old.digest !== tag.digest ? [{ repository: tag.repository, tag: tag.tag, from: old.digest, to: tag.digest }] : [];
  });
  const removedTags = [...tagsBefore.entries()]
    .filter(([id]) => !tagsAfter.has(id))
    .map(([, tag]) => ({ repository: tag.repository, tag: tag.tag, digest: tag.digest }));
  const newFindings = [...new Set(now.findings.filter((f) => !findingsBefore.has(findingKey(f))).map((f) => f.fingerprint))];

  const byPlace = (a: { repository: string; tag?: string; digest?: string }, b: typeof a): number =>
    compare(a.repository, b.repository) || compare(a.tag ?? '', b.tag ?? '') || compare(a.digest ?? '', b.digest ?? '');
  return {
    previousScanAt: before.scannedAt,
    newImages: newImages.sort(byPlace),
    movedTags: movedTags.sort(byPlace),
    removedTags: removedTags.sort(byPlace),
    newFindings: newFindings.sort(),
  };
}

/** Code-point order: the same in every locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
