import type { KeyObject } from 'node:crypto';
import type { Limits } from '../core/limits.js';
import { AbortedError, messageOf, UsageError } from '../core/errors.js';
import { formatPlatform } from '../image/platform.js';
import { mapConcurrently, SharedLayerScans } from '../image/read-image.js';
import { RegistryClient, type FetchedManifest } from '../image/registry/client.js';
import type { RegistryOptions } from '../image/registry/options.js';
import { isAttestation } from '../image/select.js';
import type { AdvisoryLookup } from '../vuln/match/matcher.js';
import { probeAccess } from './access.js';
import { diffScans, type StoredScan } from './history.js';
import { platformImageFacts, unreadPlatformImage, type ImageFactsOptions, type PlatformRead } from './image-facts.js';
import type { RegistryScanReport, RepositoryReport, StoredImage, TagReport, UnreadItem } from './model.js';
import { checkRegistry } from './rules/check.js';
import type { Inventory } from '../inventory/inventory.js';
import type { FleetLayerStore } from '../image/fleet-layers.js';
import { discoverReferrers, isArtifactTag } from './signatures/index.js';
import { resolveTags } from './tags.js';
import { pushAll } from '../core/collections.js';

export interface RegistryScanOptions {
  registryOptions: RegistryOptions;
  limits: Limits;
  cacheDir: string | undefined;
  now: Date;
  /** Images read at once. */
  parallel: number;
  /** cosign public keys to verify signatures with. */
  keys: readonly KeyObject[];
  /** The advisory database; undefined: no vulnerability counts. */
  advisories: AdvisoryLookup | undefined;
  secrets: boolean;
  /** false: only manifests and configs are read (no OS, vulnerabilities or secrets: fast). */
  readLayers: boolean;
  /** The previous scan of this registry and prefix, for moved tags, untagged images and changes. */
  previous: StoredScan | undefined;
  /** Policy knobs of the SS-REG rules. */
  maxImageAgeDays: number;
  onProgress?: ((event: RegistryScanProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Layer scans shared by the fleet's workers (the server's store): a layer another worker read is not read here. */
  fleetLayers?: FleetLayerStore | undefined;
  /** Told of each platform image's inventory as read. */
  onInventory?: ((digest: string, inventory: Inventory) => void) | undefined;
  /** Exactly these repositories, without the catalog (a push event names one). */
  repositories?: readonly string[] | undefined;
  /** Layer scans shared across images (given by the caller to count reads in benchmarks). */
  shared?: SharedLayerScans | undefined;
}

export type RegistryScanProgress = { kind: 'repositories'; count: number } | { kind: 'image'; done: number; total: number; name: string };

/** `registry.example:5000/team/app` → registry `registry.example:5000`, prefix `team/app`. A scheme says plain HTTP or not. */
export function parseRegistryTarget(text: string): { registry: string; prefix: string | undefined; plainHttp: boolean | undefined } {
  const scheme = /^(https?):\/\//i.exec(text);
  const rest = (scheme ? text.slice(scheme[0].length) : text).replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  const registry = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? undefined : rest.slice(slash + 1);
  if (!/^(?:[a-zA-Z0-9.-]+|\[[0-9a-fA-F:]+\])(?::\d+)?$/.test(registry)) {
    throw new UsageError(`invalid registry ${JSON.stringify(text)}`, { hint: 'write host[:port][/repository-prefix], e.g. registry.example.com:5000/team' });
  }
  return { registry: registry.toLowerCase(), prefix: prefix || undefined, plainHttp: scheme ? scheme[1]?.toLowerCase() === 'http' : undefined };
}

/** What a scan could not do: every diagnostic, and among them what could not be read. */
class ScanProblems {
  readonly diagnostics: string[] = [];
  readonly unread: UnreadItem[] = [];

  notRead(where: string, message: string): void {
    this.unread.push({ where, message });
    this.diagnostics.push(`${where}: ${message}`);
  }
}

/** Cancellation stops the scan; any other failure of one repository or image is that one's problem. */
function isCancellation(error: unknown, signal: AbortSignal | undefined): boolean {
  return error instanceof AbortedError || signal?.aborted === true;
}

/** One platform image a scan reads: the repository it is in, its manifest digest and platform (`''` for a plain manifest). */
export interface PlatformRequest {
  repository: string;
  digest: string;
  platform: string;
}

/**
 * A registry scan up to the reading of its images: repositories, tags, manifests, signatures and
 * access known, the platform images still to read. Plain data, so a fleet keeps it in its store
 * while workers read the images, and finishes the scan from it later.
 */
export interface RegistryScanPlan {
  registry: string;
  prefix: string | undefined;
  scannedAt: string;
  startedMs: number;
  access: RegistryScanReport['access'];
  /** The repositories with their images' platforms still empty. */
  repositories: RepositoryReport[];
  /** Each image whose manifest was read, with the platform images to read. */
  images: { repository: string; digest: string; platforms: PlatformRequest[] }[];
  diagnostics: string[];
  unread: UnreadItem[];
}

/** The key a platform image's read is filed under. */
export const platformKey = (request: PlatformRequest): string => `${request.repository}@${request.digest}`;

/**
 * Scans one registry (or the repositories under a prefix): lists repositories and tags, resolves
 * tags to digests, reads every image once per digest (platforms of an index each), finds
 * signatures and attestations, probes who may pull, compares with the previous scan and applies the
 * SS-REG rules. A repository or image that cannot be read is recorded as unread (and in the
 * diagnostics); the others are scanned.
 */
export async function scanRegistry(registry: string, prefix: string | undefined, options: RegistryScanOptions): Promise<RegistryScanReport> {
  const client = new RegistryClient(registry, options.registryOptions);
  const shared = options.shared ?? new SharedLayerScans();
  try {
    const plan = await planWith(client, prefix, options);
    const reads = await readPlatforms(
      plan,
      Math.max(1, options.parallel),
      (request) => platformImageFacts(request.repository, request.digest, request.platform, factsOptionsOf(client, options, shared)),
      options.onProgress,
    );
    return finishRegistryScan(plan, reads, { ...options, keysGiven: options.keys.length > 0, layers: { ...shared.counts } });
  } finally {
    await client.close();
  }
}

/** The first half of `scanRegistry`: everything but the images' layers. */
export async function planRegistryScan(registry: string, prefix: string | undefined, options: RegistryScanOptions): Promise<RegistryScanPlan> {
  const client = new RegistryClient(registry, options.registryOptions);
  try {
    return await planWith(client, prefix, options);
  } finally {
    await client.close();
  }
}

/** Reads every platform image of a plan, `parallel` images at a time (an index's platforms one after the other). */
export async function readPlatforms(
  plan: RegistryScanPlan,
  parallel: number,
  read: (request: PlatformRequest) => Promise<PlatformRead>,
  onProgress?: ((event: RegistryScanProgress) => void) | undefined,
): Promise<Map<string, PlatformRead>> {
  const reads = new Map<string, PlatformRead>();
  let done = 0;
  await mapConcurrently(plan.images, parallel, async (image) => {
    for (const request of image.platforms) reads.set(platformKey(request), await read(request));
    done++;
    onProgress?.({ kind: 'image', done, total: plan.images.length, name: `${image.repository}@${image.digest}` });
  });
  return reads;
}

/**
 * The second half of `scanRegistry`: the plan's images given the facts read (a platform image
 * with no read is unread, never clean), compared with the previous scan, the SS-REG rules applied.
 */
export function finishRegistryScan(
  plan: RegistryScanPlan,
  reads: ReadonlyMap<string, PlatformRead>,
  options: Pick<RegistryScanOptions, 'now' | 'maxImageAgeDays' | 'previous'> & { keysGiven: boolean; layers: RegistryScanReport['stats']['layers'] },
): RegistryScanReport {
  const problems = new ScanProblems();
  pushAll(problems.diagnostics, plan.diagnostics);
  pushAll(problems.unread, plan.unread);
  const repositories = structuredClone(plan.repositories);
  for (const planned of plan.images) {
    const image = repositories.find((r) => r.name === planned.repository)?.images.find((i) => i.digest === planned.digest);
    if (image === undefined) continue;
    image.platforms = planned.platforms.map((request) => {
      const read = reads.get(platformKey(request)) ?? {
        facts: unreadPlatformImage(request.platform, request.digest),
        diagnostics: [],
        unread: { where: platformKey(request), message: 'the image was not read' },
      };
      pushAll(problems.diagnostics, read.diagnostics);
      if (read.unread) problems.notRead(read.unread.where, read.unread.message);
      return read.facts;
    });
  }
  const report: RegistryScanReport = {
    schema: 'shipshape/registry-scan@1',
    registry: plan.registry,
    prefix: plan.prefix,
    scannedAt: plan.scannedAt,
    access: plan.access,
    repositories,
    changes: undefined,
    findings: [],
    diagnostics: problems.diagnostics,
    unread: problems.unread,
    stats: {
      repositories: repositories.length,
      tags: repositories.reduce((n, r) => n + r.tags.length, 0),
      images: repositories.reduce((n, r) => n + r.images.length, 0),
      platformImages: repositories.reduce((n, r) => n + r.images.reduce((m, i) => m + i.platforms.length, 0), 0),
      layers: options.layers,
      durationMs: Date.now() - plan.startedMs,
    },
  };
  report.findings = checkRegistry(report, {
    now: options.now,
    maxImageAgeDays: options.maxImageAgeDays,
    keysGiven: options.keysGiven,
    previous: options.previous,
  });
  if (options.previous) report.changes = diffScans(options.previous, report);
  return report;
}

async function planWith(client: RegistryClient, prefix: string | undefined, options: RegistryScanOptions): Promise<RegistryScanPlan> {
  const startedMs = Date.now();
  const problems = new ScanProblems();
  const { diagnostics } = problems;
  const names = options.repositories ? [...options.repositories] : await repositoriesOf(client, prefix, diagnostics, options.signal);
  options.onProgress?.({ kind: 'repositories', count: names.length });
  const access = await probeAccess(client.registry, {
    ...options.registryOptions,
    sampleRepository: names[0],
    now: options.now,
    signal: options.signal,
    diagnostics,
  });

  // the repositories' inventories (tags, digests, manifests) are read concurrently, bounded by --parallel
  const inventories = await mapConcurrently(names, Math.max(1, options.parallel), async (name) => {
    try {
      return await inventoryOf(client, name, options, problems);
    } catch (error) {
      if (isCancellation(error, options.signal)) throw error;
      problems.notRead(name, `the repository could not be read: ${messageOf(error)}`);
      return { report: { name, tags: [], images: [] }, work: [] };
    }
  });
  const repositories = inventories.map((inventory) => inventory.report);
  const work = inventories.flatMap((inventory) => inventory.work);

  // signatures and attestations first: the artefacts they name are not images to read
  const artifacts = new Set<string>();
  await mapConcurrently(work, Math.max(1, options.parallel), async ({ repository, image, fetched, allTags }) => {
    try {
      const referrers = await discoverReferrers(client, repository, fetched, { tags: allTags, keys: options.keys, diagnostics, signal: options.signal });
      image.signatures = referrers.signatures;
      image.attestations = referrers.attestations;
      for (const digest of referrers.artifactDigests) artifacts.add(digest);
    } catch (error) {
      if (isCancellation(error, options.signal)) throw error;
      problems.notRead(`${repository}@${image.digest}`, `signatures and attestations could not be read: ${messageOf(error)}`);
    }
  });
  const isImage = (image: StoredImage): boolean => image.tags.length > 0 || !artifacts.has(image.digest);
  for (const repo of repositories) repo.images = repo.images.filter(isImage);
  const images = work
    .filter((item) => isImage(item.image))
    .map(({ repository, image, fetched }) => ({ repository, digest: image.digest, platforms: platformRequests(repository, fetched) }));
  return {
    registry: client.registry,
    prefix,
    scannedAt: options.now.toISOString(),
    startedMs,
    access,
    repositories,
    images,
    diagnostics,
    unread: problems.unread,
  };
}

interface ImageWork {
  repository: string;
  image: StoredImage;
  fetched: FetchedManifest;
  allTags: Set<string>;
}

/** One repository's tags resolved to digests, its stored images (untagged ones too) and their manifests. */
async function inventoryOf(
  client: RegistryClient,
  name: string,
  options: RegistryScanOptions,
  problems: ScanProblems,
): Promise<{ report: RepositoryReport; work: ImageWork[] }> {
  const all = await client.listTags(name, { signal: options.signal }).catch((error: unknown) => {
    if (isCancellation(error, options.signal)) throw error;
    problems.notRead(name, `tags could not be listed: ${messageOf(error)}`);
    return [];
  });
  const allTags = new Set(all);
  const resolved = await resolveTags(
    client,
    name,
    all.filter((t) => !isArtifactTag(t)),
    { parallel: options.parallel, signal: options.signal },
  );
  pushAll(problems.diagnostics, resolved.diagnostics);
  pushAll(problems.unread, resolved.unread);
  const tagReports = resolved.resolved.map((tag) => withMovedFrom(tag, name, options.previous));
  const byDigest = new Map<string, StoredImage>();
  for (const tag of tagReports) {
    const image = byDigest.get(tag.digest) ?? { digest: tag.digest, mediaType: tag.mediaType, tags: [], platforms: [], signatures: [], attestations: [] };
    image.tags.push(tag.tag);
    byDigest.set(tag.digest, image);
  }
  for (const digest of await untaggedDigests(client, name, byDigest, allTags, options.previous, options.signal)) {
    byDigest.set(digest, { digest, mediaType: '', tags: [], platforms: [], signatures: [], attestations: [] });
  }
  const report: RepositoryReport = { name, tags: tagReports, images: [...byDigest.values()] };
  const work: ImageWork[] = [];
  for (const image of report.images) {
    try {
      const fetched = await client.getManifest(name, image.digest, { signal: options.signal, maxBytes: options.limits.maxDocumentBytes });
      image.mediaType = fetched.mediaType;
      work.push({ repository: name, image, fetched, allTags });
    } catch (error) {
      if (isCancellation(error, options.signal)) throw error;
      problems.notRead(`${name}@${image.digest}`, `the manifest could not be read: ${messageOf(error)}`);
    }
  }
  return { report, work };
}

/** The repositories to scan: the catalog under the prefix; a prefix naming one repository works without the catalog. */
async function repositoriesOf(client: RegistryClient, prefix: string | undefined, diagnostics: string[], signal: AbortSignal | undefined): Promise<string[]> {
  try {
    const names = await client.listRepositories({ prefix, signal });
    if (names.length > 0 || prefix === undefined) return names;
  } catch (error) {
    if (prefix === undefined) throw error;
    diagnostics.push(`the catalog could not be listed (${messageOf(error)}); scanning ${prefix} as one repository`);
  }
  return prefix === undefined ? [] : [prefix];
}

/** The tag with the digest it pointed at in the previous scan, when that was another one. */
export function withMovedFrom(tag: TagReport, repository: string, previous: StoredScan | undefined): TagReport {
  const before = previous?.tags.find((t) => t.repository === repository && t.tag === tag.tag);
  return { ...tag, movedFrom: before && before.digest !== tag.digest ? before.digest : undefined };
}

/**
 * Images no tag points at: the registry API cannot list them, so they are found where they are named —
 * subjects of cosign tags (`sha256-<hex>.sig`) and digests tags pointed at in the previous scan —
 * and kept when the registry still has them.
 */
async function untaggedDigests(
  client: RegistryClient,
  repository: string,
  tagged: ReadonlyMap<string, StoredImage>,
  allTags: ReadonlySet<string>,
  previous: StoredScan | undefined,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const candidates = new Set<string>();
  for (const tag of allTags) {
    const subject = /^sha256-([0-9a-f]{64})(?:\.(?:sig|att|sbom))?$/.exec(tag);
    if (subject) candidates.add(`sha256:${subject[1] as string}`);
  }
  for (const t of previous?.tags ?? []) if (t.repository === repository) candidates.add(t.digest);
  const found: string[] = [];
  for (const digest of candidates) {
    if (tagged.has(digest)) continue;
    const head = await client.headManifest(repository, digest, { signal }).catch(() => undefined);
    if (head) found.push(digest);
  }
  return found.sort();
}

/** The platform images of a manifest (itself) or an index (each platform's, attestations left out). */
function platformRequests(repository: string, fetched: FetchedManifest): PlatformRequest[] {
  if (fetched.document.kind !== 'index') return [{ repository, digest: fetched.digest, platform: '' }];
  return fetched.document.index.manifests
    .filter((d) => !isAttestation(d))
    .map((d) => ({ repository, digest: d.digest, platform: d.platform ? formatPlatform(d.platform) : 'unknown' }));
}

/** How `scanRegistry` reads a platform image: through the scan's client, its shared layer scans and options. */
function factsOptionsOf(client: RegistryClient, options: RegistryScanOptions, shared: SharedLayerScans): ImageFactsOptions {
  return {
    registry: client.registry,
    client,
    registryOptions: options.registryOptions,
    limits: options.limits,
    cacheDir: options.cacheDir,
    advisories: options.advisories,
    secrets: options.secrets,
    readLayers: options.readLayers,
    shared,
    now: options.now,
    layerParallel: 3,
    signal: options.signal,
    onInventory: options.onInventory,
    fleetLayers: options.fleetLayers,
  };
}
