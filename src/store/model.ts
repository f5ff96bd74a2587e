/**
 * What the server keeps between runs, as the rest of the code sees it. One implementation
 * (`openStore`) over SQLite (embedded default) and PostgreSQL (shared), through Kysely.
 * Times are ISO 8601 strings (UTC); JSON documents are stored as text and given back parsed.
 */

import type { ScanSummary, StoredScan } from '../distribute/history.js';
import type { RegistryScanReport } from '../distribute/model.js';
import type { HostReport } from '../host/scan.js';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed';
export type RunTrigger = 'schedule' | 'manual' | 'push' | 'advisories' | 'start' | 'host';
type PartStatus = 'ok' | 'failed' | 'stale';

/** One part of a run: a registry, the sources, the manifests, the cluster, one pushed image. */
export interface RunPart {
  /** Stable within an estate: `registry:<name>`, `sources`, `manifests`, `cluster`, `image:<ref>`. */
  name: string;
  status: PartStatus;
  /** Why it failed, or, for a stale part, why the last good facts stand in for it. */
  reason?: string | undefined;
  durationMs: number;
  /** A stale part: when the facts shown were read (the run that read them last). */
  readAt?: string | undefined;
}

export interface RunRecord {
  id: string;
  status: RunStatus;
  trigger: RunTrigger;
  /** What the trigger named (a pushed image reference; the advisory update's time). */
  subject?: string | undefined;
  queuedAt: string;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
  /** Why the run failed as a whole. */
  error?: string | undefined;
  parts: RunPart[];
  stats: Record<string, number>;
}

/** A phase score of a finished run (null: nothing assessed), for the chart over time. */
export interface PhaseScore {
  runId: string;
  finishedAt: string;
  phase: string;
  score: number | null;
}

/** A finding or gap as it lives across runs, keyed by a stable fingerprint. */
export interface TrackedItem {
  fingerprint: string;
  kind: 'finding' | 'gap';
  /** Rule, advisory or control id. */
  ruleId: string;
  severity: string;
  phase: string;
  category: string;
  title: string;
  where: string;
  detail?: string | undefined;
  firstSeenRun: string;
  firstSeenAt: string;
  lastSeenRun: string;
  lastSeenAt: string;
  /** Set when a later finished run no longer had it; cleared when it comes back. */
  resolvedRun?: string | undefined;
  resolvedAt?: string | undefined;
}

/** What one finished run saw of a finding or gap (the fingerprint's fields as of that run). */
export type ObservedItem = Omit<TrackedItem, 'firstSeenRun' | 'firstSeenAt' | 'lastSeenRun' | 'lastSeenAt' | 'resolvedRun' | 'resolvedAt'>;

/** An image the estate holds (per manifest digest), with the inventory read from it. */
export interface StoredImage {
  digest: string;
  /** References it was seen under (`registry/repo:tag`), newest first. */
  references: string[];
  platform: string;
  /** Whether the last finished run saw it running on a cluster. */
  running: boolean;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Vulnerability counts by severity as of the last match. */
  vulnerabilities: Record<string, number> | undefined;
  /** When its inventory was last matched against advisories. */
  matchedAt?: string | undefined;
}

/** Filters and page for lists. `cursor` is opaque, from the previous page's `next`. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}
export interface Page<T> {
  items: T[];
  /** The cursor of the next page; undefined on the last. */
  next?: string | undefined;
  total: number;
}

export interface FindingFilter {
  kind?: 'finding' | 'gap' | undefined;
  severity?: string[] | undefined;
  phase?: string | undefined;
  category?: string | undefined;
  ruleId?: string | undefined;
  /** `open` (default): not resolved; `resolved`; `all`. */
  state?: 'open' | 'resolved' | 'all' | undefined;
  /** Substring of `where` or `title`. */
  text?: string | undefined;
  /** Only items seen on this image digest (a `where` naming it). */
  image?: string | undefined;
}

export type TokenScope = 'read' | 'write';
export interface TokenRecord {
  id: string;
  scope: TokenScope;
  label: string | undefined;
  createdAt: string;
  revokedAt?: string | undefined;
  lastUsedAt?: string | undefined;
}

/** A host as the hosts list shows it: what its newest report says, in a few words and numbers. */
export interface HostSummary {
  /** The name it is kept under: the report's host name, or the name it was sent with (a Kubernetes node's). */
  name: string;
  receivedAt: string;
  /** The OS's pretty name (else its name), when the report says. */
  os: string | undefined;
  /** The kernel release, when the report says. */
  kernel: string | undefined;
  engines: { kind: string; version: string | undefined; containers: number }[];
  containers: number;
  /** Findings by severity. */
  findings: Record<string, number>;
  /** What the report could not read: containers whose writable layer is unknown, and the host's problems. */
  unknown: number;
}

/** A host's newest report, as received, with the name it is kept under. */
export interface StoredHostReport {
  name: string;
  receivedAt: string;
  report: HostReport;
}

/** What changed between two finished runs. */
export interface RunDiff {
  from: string;
  to: string;
  opened: ObservedItem[];
  resolved: ObservedItem[];
  /** Phase scores before and after. */
  scores: { phase: string; from: number | null; to: number | null }[];
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Applies pending migrations (idempotent; safe when two servers start at once). */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** A cheap round trip, for /readyz. */
  ping(): Promise<void>;

  // runs
  createRun(run: { trigger: RunTrigger; subject?: string | undefined; queuedAt: string }): Promise<RunRecord>;
  /** Claims the oldest queued run for this process (queued → running); undefined when none. Atomic across servers. */
  claimRun(startedAt: string): Promise<RunRecord | undefined>;
  /**
   * Starts a run by id for the holder of its job (a fleet worker): queued or running (a worker that
   * died left it so) becomes running; undefined when it is finished or unknown (nothing to do again).
   */
  startRun(id: string, startedAt: string): Promise<RunRecord | undefined>;
  getRun(id: string): Promise<RunRecord | undefined>;
  listRuns(page: PageRequest): Promise<Page<RunRecord>>;
  /** Runs left `running` by a process that died: back to `queued` (returns their ids). */
  requeueInterrupted(): Promise<string[]>;
  /**
   * Finishes a run in one transaction: its status, parts and stats, its posture document, phase
   * scores, and the findings and gaps it observed (updating first/last seen, resolving those it no
   * longer has, reopening those that came back). `observed` undefined for a failed run: nothing
   * is resolved by a run that did not look.
   */
  finishRun(
    id: string,
    result: {
      status: 'done' | 'failed';
      finishedAt: string;
      error?: string | undefined;
      parts: RunPart[];
      stats: Record<string, number>;
      document?: unknown;
      scores?: { phase: string; score: number | null }[];
      observed?: ObservedItem[];
      /** Parts that were not read this time: items whose `where`/phase belong to them are neither resolved nor refreshed. */
      stalePhases?: string[];
    },
  ): Promise<void>;
  /** The posture document of a run (the latest finished one when `id` is undefined) with its run. */
  getDocument(id?: string): Promise<{ run: RunRecord; document: unknown } | undefined>;
  phaseScores(limit: number): Promise<PhaseScore[]>;
  diffRuns(from: string, to: string): Promise<RunDiff | undefined>;

  // findings and gaps
  listItems(filter: FindingFilter, page: PageRequest): Promise<Page<TrackedItem>>;
  /** Findings/gaps by severity and phase, open ones, for /metrics. */
  countOpenItems(): Promise<{ kind: string; severity: string; phase: string; count: number }[]>;

  // images and inventories
  /** Records images seen by a run (upsert by digest; `running` as of this run). */
  upsertImages(images: { digest: string; reference: string; platform: string; running: boolean; seenAt: string }[]): Promise<void>;
  /** The image's inventory (our `shipshape/inventory` JSON or CycloneDX; opaque here) and analyser versions. */
  putInventory(digest: string, inventory: unknown, analysers: string, readAt: string): Promise<void>;
  getInventory(digest: string): Promise<{ inventory: unknown; analysers: string; readAt: string } | undefined>;
  /** Digests of every image with an inventory (for re-matching after an advisory update). */
  inventoryDigests(): Promise<string[]>;
  setVulnerabilityCounts(digest: string, counts: Record<string, number>, matchedAt: string): Promise<void>;
  listImages(filter: { text?: string | undefined; running?: boolean | undefined }, page: PageRequest): Promise<Page<StoredImage>>;
  getImage(digest: string): Promise<StoredImage | undefined>;

  // layer results, shared by every reader (keyed by diffID + analyser versions)
  getLayerResult(diffId: string, analysers: string): Promise<unknown>;
  putLayerResult(diffId: string, analysers: string, result: unknown, readAt: string): Promise<void>;

  // what a fleet's workers read for a run, kept until the run is assembled (one value per key: a retried read replaces)
  putRunRead(runId: string, key: string, value: unknown): Promise<void>;
  runReads(runId: string): Promise<Map<string, unknown>>;
  deleteRunReads(runId: string): Promise<void>;

  // tokens (stored hashed; the secret is shown once by the caller)
  createToken(token: { id: string; hash: string; scope: TokenScope; label?: string | undefined; createdAt: string }): Promise<void>;
  /** The token with this hash, unless revoked; records its use. */
  findToken(hash: string, usedAt: string): Promise<TokenRecord | undefined>;
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(id: string, revokedAt: string): Promise<boolean>;

  // registry scan history (what `registry scan --history` kept in history.sqlite; same semantics as distribute/history.ts ScanHistory)
  recordRegistryScan(report: RegistryScanReport): Promise<number>;
  previousRegistryScan(registry: string, prefix: string | undefined): Promise<StoredScan | undefined>;
  /** Every recorded scan (of one registry, when given), oldest first. */
  listRegistryScans(registry?: string): Promise<ScanSummary[]>;
  getRegistryScan(id: number): Promise<StoredScan | undefined>;
  /** Copies every scan of an existing `history.sqlite` (schema 1 or 2) in, once (returns how many were new). */
  importScanHistory(file: string): Promise<number>;

  // host reports (`host scan --report-to`): one per host, the newest received
  /**
   * Keeps `report` as the host's newest (one received earlier than the kept one changes nothing) and
   * returns its summary. Refused: a name that is not 1-253 of `[A-Za-z0-9._-]`, a report larger than
   * the store keeps, a new host beyond `maxHosts`.
   */
  putHostReport(name: string, report: HostReport, receivedAt: string): Promise<HostSummary>;
  /** The hosts by name, a page at a time, without their reports. */
  listHostReports(page: PageRequest): Promise<Page<HostSummary>>;
  /** Every host's newest report, by name (what a run assesses). */
  hostReports(): Promise<StoredHostReport[]>;
  hostReport(name: string): Promise<StoredHostReport | undefined>;
  /** True when there was one. */
  deleteHostReport(name: string): Promise<boolean>;

  // key/value for the server's own bookkeeping (last schedule slot taken, advisory DB time)
  getSetting(key: string): Promise<string | undefined>;
  /** Sets `key` whatever it held (the last good scan of a registry). */
  setSetting(key: string, value: string): Promise<void>;
  /** Removes `key` only while it still holds `expected` (a lease its holder gives back); true when removed. */
  deleteSetting(key: string, expected: string): Promise<boolean>;
  /** Sets `key` to `value` only when it is still `expected` (compare-and-set across servers); true when set. */
  casSetting(key: string, expected: string | undefined, value: string): Promise<boolean>;
}
