import { sql, type Kysely, type Migration, type MigrationProvider, type RawBuilder } from 'kysely';

/** Which SQL the store speaks. */
export type StoreDialect = 'sqlite' | 'postgres';

/**
 * The store's schema, one migration per version, named so that they sort (`0001_initial`, …).
 * Kysely's Migrator records what ran and holds its migration lock meanwhile (PostgreSQL: an
 * advisory lock; SQLite: the `BEGIN IMMEDIATE` transaction of sqlite.ts), so that two servers
 * starting at once migrate once. A migration, once released, never changes: add the next one.
 */
export function storeMigrations(dialect: StoreDialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_initial': { up: (db) => initial(db, dialect) },
    '0002_run_reads': { up: (db) => runReads(db, dialect) },
    '0003_host_reports': { up: (db) => hostReports(db, dialect) },
  };
  return { getMigrations: () => Promise.resolve(migrations) };
}

async function initial(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  // Code-point order on both: PostgreSQL would otherwise sort text by the database's locale.
  const text = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  const schema = db.schema;

  await schema
    .createTable('runs')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('trigger', text, (c) => c.notNull())
    .addColumn('subject', text)
    .addColumn('queued_at', text, (c) => c.notNull())
    .addColumn('started_at', text)
    .addColumn('finished_at', text)
    .addColumn('error', text)
    .addColumn('parts', text, (c) => c.notNull())
    .addColumn('stats', text, (c) => c.notNull())
    .execute();
  await schema.createIndex('runs_by_queued').on('runs').columns(['queued_at', 'id']).execute();
  await schema.createIndex('runs_by_status').on('runs').columns(['status', 'queued_at', 'id']).execute();
  await schema.createIndex('runs_by_finished').on('runs').columns(['status', 'finished_at']).execute();

  await schema
    .createTable('run_documents')
    .addColumn('run_id', text, (c) => c.primaryKey().references('runs.id').onDelete('cascade'))
    .addColumn('document', text, (c) => c.notNull())
    .execute();
  await schema
    .createTable('run_scores')
    .addColumn('run_id', text, (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('phase', text, (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addPrimaryKeyConstraint('run_scores_pk', ['run_id', 'phase'])
    .execute();

  // Items outlive the runs that saw them: no foreign keys to runs, so old runs can be pruned.
  await schema
    .createTable('items')
    .addColumn('fingerprint', text, (c) => c.primaryKey())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('rule_id', text, (c) => c.notNull())
    .addColumn('severity', text, (c) => c.notNull())
    .addColumn('phase', text, (c) => c.notNull())
    .addColumn('category', text, (c) => c.notNull())
    .addColumn('title', text, (c) => c.notNull())
    .addColumn('location', text, (c) => c.notNull())
    .addColumn('detail', text)
    .addColumn('first_seen_run', text, (c) => c.notNull())
    .addColumn('first_seen_at', text, (c) => c.notNull())
    .addColumn('last_seen_run', text, (c) => c.notNull())
    .addColumn('last_seen_at', text, (c) => c.notNull())
    .addColumn('resolved_run', text)
    .addColumn('resolved_at', text)
    .execute();
  await schema.createIndex('items_by_state').on('items').columns(['resolved_run', 'kind', 'severity']).execute();
  await schema.createIndex('items_by_severity').on('items').columns(['severity', 'phase']).execute();
  await schema.createIndex('items_by_phase').on('items').columns(['phase', 'category']).execute();

  await schema
    .createTable('run_items')
    .addColumn('run_id', text, (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('fingerprint', text, (c) => c.notNull().references('items.fingerprint').onDelete('cascade'))
    .addPrimaryKeyConstraint('run_items_pk', ['run_id', 'fingerprint'])
    .execute();
  await schema.createIndex('run_items_by_fingerprint').on('run_items').column('fingerprint').execute();

  await schema
    .createTable('images')
    .addColumn('digest', text, (c) => c.primaryKey())
    .addColumn('platform', text, (c) => c.notNull())
    .addColumn('refs', text, (c) => c.notNull())
    .addColumn('running', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_seen_at', text, (c) => c.notNull())
    .addColumn('last_seen_at', text, (c) => c.notNull())
    .addColumn('vulnerabilities', text)
    .addColumn('matched_at', text)
    .execute();
  await schema.createIndex('images_by_last_seen').on('images').columns(['last_seen_at', 'digest']).execute();
  await schema
    .createTable('inventories')
    .addColumn('digest', text, (c) => c.primaryKey())
    .addColumn('inventory', text, (c) => c.notNull())
    .addColumn('analysers', text, (c) => c.notNull())
    .addColumn('read_at', text, (c) => c.notNull())
    .execute();
  await schema
    .createTable('layer_results')
    .addColumn('diff_id', text, (c) => c.notNull())
    .addColumn('analysers', text, (c) => c.notNull())
    .addColumn('result', text, (c) => c.notNull())
    .addColumn('read_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('layer_results_pk', ['diff_id', 'analysers'])
    .execute();

  await schema
    .createTable('tokens')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('hash', text, (c) => c.notNull().unique())
    .addColumn('scope', text, (c) => c.notNull())
    .addColumn('label', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('revoked_at', text)
    .addColumn('last_used_at', text)
    .execute();
  await schema
    .createTable('settings')
    .addColumn('key', text, (c) => c.primaryKey())
    .addColumn('value', text, (c) => c.notNull())
    .execute();

  await createRegistryScanTables(db, dialect, text);
}

/** The tables of distribute/history.ts (schema 2), prefixed, with `source` for imported scans. */
async function createRegistryScanTables(db: Kysely<unknown>, dialect: StoreDialect, text: RawBuilder<unknown>): Promise<void> {
  const schema = db.schema;
  await schema
    .createTable('registry_scans')
    .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('registry', text, (c) => c.notNull())
    .addColumn('prefix', text)
    .addColumn('scanned_at', text, (c) => c.notNull())
    .addColumn('fingerprints', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('source', text, (c) => c.unique())
    .execute();
  await schema.createIndex('registry_scans_by_target').on('registry_scans').columns(['registry', 'prefix', 'scanned_at']).execute();
  await schema
    .createTable('registry_scan_tags')
    .addColumn('scan_id', 'integer', (c) => c.notNull().references('registry_scans.id').onDelete('cascade'))
    .addColumn('repository', text, (c) => c.notNull())
    .addColumn('tag', text, (c) => c.notNull())
    .addColumn('digest', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_scan_tags_pk', ['scan_id', 'repository', 'tag'])
    .execute();
  await schema
    .createTable('registry_scan_images')
    .addColumn('scan_id', 'integer', (c) => c.notNull().references('registry_scans.id').onDelete('cascade'))
    .addColumn('repository', text, (c) => c.notNull())
    .addColumn('digest', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_scan_images_pk', ['scan_id', 'repository', 'digest'])
    .execute();
  await schema
    .createTable('registry_scan_findings')
    .addColumn('scan_id', 'integer', (c) => c.notNull().references('registry_scans.id').onDelete('cascade'))
    .addColumn('fingerprint', text, (c) => c.notNull())
    .addColumn('rule_id', text, (c) => c.notNull())
    .addColumn('message', text, (c) => c.notNull())
    .addColumn('repository', text)
    .addColumn('tag', text)
    .addColumn('digest', text)
    .addPrimaryKeyConstraint('registry_scan_findings_pk', ['scan_id', 'fingerprint'])
    .execute();
}

/** What a fleet's workers read for a run (one row per platform image), until the run is assembled from them. */
async function runReads(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const text = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  await db.schema
    .createTable('run_reads')
    .addColumn('run_id', text, (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('key', text, (c) => c.notNull())
    .addColumn('value', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('run_reads_pk', ['run_id', 'key'])
    .execute();
}

/** The newest report each host sent (`host scan --report-to`), with what the hosts list shows of it. */
async function hostReports(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const text = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  await db.schema
    .createTable('host_reports')
    .addColumn('name', text, (c) => c.primaryKey())
    .addColumn('received_at', text, (c) => c.notNull())
    .addColumn('report', text, (c) => c.notNull())
    .addColumn('os', text)
    .addColumn('kernel', text)
    .addColumn('engines', text, (c) => c.notNull())
    .addColumn('containers', 'integer', (c) => c.notNull())
    .addColumn('findings', text, (c) => c.notNull())
    .addColumn('unknown', 'integer', (c) => c.notNull())
    .execute();
}
