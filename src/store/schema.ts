/**
 * The store's tables as Kysely sees them (the migrations in migrations.ts create them). Portable
 * types only: text (JSON documents as text, times as ISO 8601 UTC strings), integers (booleans as
 * 0/1) and double precision numbers, so that one query layer serves SQLite and PostgreSQL.
 */

import type { Generated } from 'kysely';
import type { ScanFindingRow } from '../distribute/history.js';

/** One run of the server's pipeline: queued, claimed by a server, finished. */
export interface RunsTable {
  id: string;
  status: string;
  trigger: string;
  subject: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  /** JSON array of `RunPart`. */
  parts: string;
  /** JSON object of numbers. */
  stats: string;
}

/** The posture document a run produced (JSON text). */
interface RunDocumentsTable {
  run_id: string;
  document: string;
}

interface RunScoresTable {
  run_id: string;
  phase: string;
  score: number | null;
}

/** A finding or gap across runs, keyed by its fingerprint. */
export interface ItemsTable {
  fingerprint: string;
  kind: string;
  rule_id: string;
  severity: string;
  phase: string;
  category: string;
  title: string;
  /** `TrackedItem.where` (`where` is an SQL keyword). */
  location: string;
  detail: string | null;
  first_seen_run: string;
  first_seen_at: string;
  last_seen_run: string;
  last_seen_at: string;
  resolved_run: string | null;
  resolved_at: string | null;
}

/** What each finished run observed (for diffs between runs). */
interface RunItemsTable {
  run_id: string;
  fingerprint: string;
}

/** An image by manifest digest: where it was seen, whether it runs, its vulnerability counts. */
export interface ImagesTable {
  digest: string;
  platform: string;
  /** JSON array of references, newest first. */
  refs: string;
  /** 0 or 1. */
  running: number;
  first_seen_at: string;
  last_seen_at: string;
  /** JSON object of counts by severity; null before the first match. */
  vulnerabilities: string | null;
  matched_at: string | null;
}

interface InventoriesTable {
  digest: string;
  inventory: string;
  analysers: string;
  read_at: string;
}

interface RunReadsTable {
  run_id: string;
  key: string;
  value: string;
}

interface LayerResultsTable {
  diff_id: string;
  analysers: string;
  result: string;
  read_at: string;
}

/** The newest report of each host (`host scan --report-to`), and the summary the hosts list shows. */
export interface HostReportsTable {
  name: string;
  received_at: string;
  /** The report as received (JSON text). */
  report: string;
  os: string | null;
  kernel: string | null;
  /** JSON array of `{kind, version?, containers}`. */
  engines: string;
  containers: number;
  /** JSON object of finding counts by severity. */
  findings: string;
  unknown: number;
}

/** API tokens: only a hash of the secret is kept. */
export interface TokensTable {
  id: string;
  hash: string;
  scope: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

interface SettingsTable {
  key: string;
  value: string;
}

/** `scans` of a history.sqlite (distribute/history.ts), plus where an imported scan came from. */
interface RegistryScansTable {
  id: Generated<number>;
  registry: string;
  prefix: string | null;
  scanned_at: string;
  /** The fingerprint scheme of the scan's findings (`registryFingerprintScheme` when recorded). */
  fingerprints: number;
  /** `history.sqlite#<id>` of an imported scan (unique: imported once); null for one recorded here. */
  source: string | null;
}

interface RegistryScanTagsTable {
  scan_id: number;
  repository: string;
  tag: string;
  digest: string;
}

interface RegistryScanImagesTable {
  scan_id: number;
  repository: string;
  digest: string;
}

interface RegistryScanFindingsTable extends ScanFindingRow {
  scan_id: number;
}

/** Every table of the store. */
export interface StoreDatabase {
  runs: RunsTable;
  run_documents: RunDocumentsTable;
  run_scores: RunScoresTable;
  items: ItemsTable;
  run_items: RunItemsTable;
  images: ImagesTable;
  inventories: InventoriesTable;
  layer_results: LayerResultsTable;
  run_reads: RunReadsTable;
  tokens: TokensTable;
  settings: SettingsTable;
  registry_scans: RegistryScansTable;
  registry_scan_tags: RegistryScanTagsTable;
  registry_scan_images: RegistryScanImagesTable;
  registry_scan_findings: RegistryScanFindingsTable;
  host_reports: HostReportsTable;
}
