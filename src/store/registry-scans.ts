import type { Kysely, Transaction } from 'kysely';
import { contentOf, storedScanOf, type StoredScan } from '../distribute/history.js';
import type { StoreContext } from './context.js';
import type { Store } from './model.js';
import type { StoreDatabase } from './schema.js';
import { chunks, countOf, isoTime, optional, storableText } from './values.js';

/** A scan as the tables hold it, before it has an id. */
export type ScanContent = Omit<StoredScan, 'id'>;

const key = (...parts: (string | undefined)[]): string => parts.map((p) => p ?? '').join('\0');

/**
 * Writes one scan (inside the caller's transaction) and returns its id. Repeated keys are resolved
 * as history.ts's `ON CONFLICT` does — the last digest of a tag, the first image and finding — but
 * here, as one multi-row INSERT cannot update the same row twice on PostgreSQL.
 */
export async function insertScan(trx: Transaction<StoreDatabase>, scan: ScanContent, source: string | null): Promise<number> {
  const { id } = await trx
    .insertInto('registry_scans')
    .values({ registry: scan.registry, prefix: scan.prefix ?? null, scanned_at: scan.scannedAt, fingerprints: scan.fingerprints, source })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Repository names, tags and messages come from the registry: NUL-free for PostgreSQL (storableText).
  const text = storableText;
  const orNull = (value: string | undefined): string | null => (value === undefined ? null : text(value));
  const tags = [
    ...new Map(
      scan.tags
        .map((t) => ({ scan_id: id, repository: text(t.repository), tag: text(t.tag), digest: text(t.digest) }))
        .map((row) => [key(row.repository, row.tag), row]),
    ).values(),
  ];
  const images = [
    ...new Map(
      [...scan.images]
        .reverse()
        .map((i) => ({ scan_id: id, repository: text(i.repository), digest: text(i.digest) }))
        .map((row) => [key(row.repository, row.digest), row]),
    ).values(),
  ];
  const findings = [
    ...new Map(
      [...scan.findings]
        .reverse()
        .map((f) => ({
          scan_id: id,
          fingerprint: text(f.fingerprint),
          rule_id: text(f.ruleId),
          message: text(f.message),
          repository: orNull(f.repository),
          tag: orNull(f.tag),
          digest: orNull(f.digest),
        }))
        .map((row) => [row.fingerprint, row]),
    ).values(),
  ];
  for (const slice of chunks(tags)) await trx.insertInto('registry_scan_tags').values(slice).execute();
  for (const slice of chunks(images)) await trx.insertInto('registry_scan_images').values(slice).execute();
  for (const slice of chunks(findings)) await trx.insertInto('registry_scan_findings').values(slice).execute();
  return id;
}

async function readScan(db: Kysely<StoreDatabase>, id: number): Promise<StoredScan | undefined> {
  const row = await db.selectFrom('registry_scans').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return undefined;
  const tags = await db
    .selectFrom('registry_scan_tags')
    .select(['repository', 'tag', 'digest'])
    .where('scan_id', '=', id)
    .orderBy('repository')
    .orderBy('tag')
    .execute();
  const images = await db
    .selectFrom('registry_scan_images')
    .select(['repository', 'digest'])
    .where('scan_id', '=', id)
    .orderBy('repository')
    .orderBy('digest')
    .execute();
  const findings = await db.selectFrom('registry_scan_findings').selectAll().where('scan_id', '=', id).orderBy('fingerprint').execute();
  return storedScanOf(row, tags, images, findings);
}

/** The registry scan history, with the answers of distribute/history.ts's `ScanHistory`. */
export function registryScanQueries({
  db,
}: StoreContext): Pick<Store, 'recordRegistryScan' | 'previousRegistryScan' | 'listRegistryScans' | 'getRegistryScan'> {
  return {
    async recordRegistryScan(report) {
      const scan: ScanContent = {
        registry: report.registry,
        prefix: report.prefix,
        scannedAt: isoTime(report.scannedAt, 'the scan time'),
        ...contentOf(report),
      };
      return db.transaction().execute((trx) => insertScan(trx, scan, null));
    },

    async previousRegistryScan(registry, prefix) {
      const row = await db
        .selectFrom('registry_scans')
        .select('id')
        .where('registry', '=', registry)
        .where('prefix', prefix === undefined ? 'is' : '=', prefix ?? null)
        .orderBy('scanned_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? undefined : readScan(db, row.id);
    },

    async listRegistryScans(registry) {
      const rows = await db
        .selectFrom('registry_scans as s')
        .select((eb) => [
          's.id',
          's.registry',
          's.prefix',
          's.scanned_at',
          eb.selectFrom('registry_scan_images as i').select(eb.fn.countAll().as('n')).whereRef('i.scan_id', '=', 's.id').as('images'),
          eb.selectFrom('registry_scan_findings as f').select(eb.fn.countAll().as('n')).whereRef('f.scan_id', '=', 's.id').as('findings'),
        ])
        .$if(registry !== undefined, (query) => query.where('s.registry', '=', registry!))
        .orderBy('s.scanned_at')
        .orderBy('s.id')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        registry: row.registry,
        prefix: optional(row.prefix),
        scannedAt: row.scanned_at,
        images: countOf(row.images),
        findings: countOf(row.findings),
      }));
    },

    async getRegistryScan(id) {
      return readScan(db, id);
    },
  };
}
