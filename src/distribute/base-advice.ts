import { AbortedError, messageOf } from '../core/errors.js';
import { defaultLimits, type Limits } from '../core/limits.js';
import type { SeverityLevel } from '../core/severity.js';
import type { FleetLayerStore } from '../image/fleet-layers.js';
import { defaultPlatform, formatPlatform, parsePlatform, platformMatches, type Platform } from '../image/platform.js';
import { mapConcurrently, SharedLayerScans } from '../image/read-image.js';
import { formatReference, parseReference, type ImageReference } from '../image/reference.js';
import { RegistryClient } from '../image/registry/client.js';
import type { RegistryOptions } from '../image/registry/options.js';
import { selectByPlatform } from '../image/select.js';
import type { Inventory } from '../inventory/inventory.js';
import { coverageGaps, unreadPackages } from '../vuln/coverage.js';
import type { AdvisoryLookup } from '../vuln/match/matcher.js';
import { compareTagVersions, lineCandidates, parseTagVersion, type TagVersion } from './base-tags.js';
import { platformImageFacts, type ImageFactsOptions, type PlatformRead } from './image-facts.js';

/**
 * Base image advice, as Docker Scout recommends base images, for every parent image of an estate:
 * the other version tags of the parent's repository in the same line (see base-tags.ts) are read
 * from the registry and scanned, and the one with the fewest fixable critical and high
 * vulnerabilities is proposed, pinned by digest, with the counts before and after. What could not
 * be scanned — no advisory database, an ecosystem it holds nothing for, an image that cannot be
 * read — is unknown with its reason: never clean, never recommended.
 */

/** One FROM line that names the parent. */
export interface BaseParentUse {
  /** The Dockerfile (as the estate names it) and the line of its FROM. */
  file: string;
  line: number;
  /** The image word as written on the line (`debian:12.4-slim`, `${BASE}:12`). */
  written: string;
  /** The reference is written literally on the line (no ARG in it): a text edit can replace it. */
  literal: boolean;
  /** `--platform` as written, and `AS` name of the stage: kept when the line is rewritten. */
  platform: string | undefined;
  stageName: string | undefined;
}

/** A parent image of the estate, with every FROM that names it. */
export interface BaseParent {
  /** The reference as the FROMs resolve it (`debian:12.4-slim`, `registry.example.com/base:1@sha256:…`). */
  reference: string;
  /** The platform the FROMs ask for (`--platform`); undefined, or a build variable: linux/amd64. */
  platform: string | undefined;
  uses: BaseParentUse[];
}

/** How to reach one registry: the address to connect to and its TLS and credential options. */
interface BaseRegistryAccess {
  /** `host[:port]` to connect to (the registry itself, or the address a configured registry is reached at). */
  host: string;
  options: RegistryOptions;
}

export interface BaseAdviceOptions {
  /** The advisory database; undefined: nothing can be scanned, every advice is unknown. */
  advisories: AdvisoryLookup | undefined;
  /**
   * How to reach the registry a parent names (`docker.io`, `registry.example.com`), as registry scans
   * do; it may throw (credentials not set): that parent's advice is then unknown with the message.
   * Default: the registry itself with no options.
   */
  access?: ((registry: string) => BaseRegistryAccess) | undefined;
  /** Candidates read per line, newest versions first (default 8). */
  maxCandidates?: number | undefined;
  /** Images read at once (default 3). */
  parallel?: number | undefined;
  /** Bounds on each document and layer read (default `defaultLimits`). */
  limits?: Limits | undefined;
  /** The layer cache (undefined: every layer is read). */
  cacheDir: string | undefined;
  now: Date;
  signal?: AbortSignal | undefined;
  fleetLayers?: FleetLayerStore | undefined;
}

type SeverityCounts = Partial<Record<SeverityLevel, number>>;

/** An image of the line that was scanned: its digests and its vulnerability counts. */
export interface ScannedBaseImage {
  state: 'scanned';
  /** The manifest or index digest the tag points at: what a FROM pins. */
  digest: string;
  /** The platform image read (equal to `digest` for a single-platform image). */
  platformDigest: string;
  platform: string;
  vulnerabilities: SeverityCounts;
  fixable: SeverityCounts;
  /** Fixable critical + high: what the advice minimises. */
  fixableCriticalHigh: number;
  /** Fixable critical + high + medium: the first tie-break. */
  fixableCriticalHighMedium: number;
}

/** An image of the line whose vulnerabilities are not known, and why. */
interface UnknownBaseImage {
  state: 'unknown';
  digest: string | undefined;
  platformDigest: string | undefined;
  reason: string;
}

type BaseImageScan = ScannedBaseImage | UnknownBaseImage;

export interface BaseCandidate {
  tag: string;
  scan: BaseImageScan;
}

/**
 * `upgrade`: a candidate has fewer fixable vulnerabilities; `already-best`: every candidate was
 * scanned and none does better; `nothing-in-line`: no other version tag of the line (or the tag is
 * not a version); `unknown`: the current image, or candidates that might do better, were not scanned.
 */
type BaseAdviceVerdict = 'upgrade' | 'already-best' | 'nothing-in-line' | 'unknown';

export interface BaseImageAdvice {
  /** The parent as given, and its parts normalised (`docker.io`, `library/debian`). */
  parent: string;
  registry: string;
  repository: string;
  tag: string | undefined;
  /** The digest the FROMs pin, if they do: what is read as the current image. */
  pinned: string | undefined;
  /** The platform read, and the FROMs naming the parent. */
  platform: string;
  uses: BaseParentUse[];
  current: BaseImageScan;
  /** The tags considered, newest first. */
  candidates: BaseCandidate[];
  /** The tag to move to, pinned by digest (`reference`: `registry/repository:tag@digest`). */
  recommendation: { tag: string; reference: string; scan: ScannedBaseImage } | undefined;
  verdict: BaseAdviceVerdict;
  /** One sentence: why this verdict. */
  why: string;
  /** Non-fatal problems met while reading the images. */
  diagnostics: string[];
}

const defaultMaxCandidates = 8;
const defaultParallel = 3;

/**
 * Advice for each parent, in the order given. Registries are reached through `options.access`;
 * each image read is bounded by `options.limits` and the registry client's limits, an image shared
 * by several lines is read once, and layers shared between images are scanned once.
 */
export async function adviseBaseImages(parents: readonly BaseParent[], options: BaseAdviceOptions): Promise<BaseImageAdvice[]> {
  const session = new AdviceSession(options);
  try {
    const advice: BaseImageAdvice[] = [];
    for (const parent of parents) advice.push(await session.advise(parent));
    return advice;
  } finally {
    await session.close();
  }
}

/**
 * The best candidate by the advice's order: fewest fixable critical + high, then fewest fixable
 * critical + high + medium, then the highest version. Only scanned candidates whose tag is a version take part.
 */
export function bestCandidate(candidates: readonly BaseCandidate[]): (BaseCandidate & { scan: ScannedBaseImage }) | undefined {
  const ranked = candidates
    .flatMap((c) => {
      const version = parseTagVersion(c.tag);
      return c.scan.state === 'scanned' && version !== undefined ? [{ candidate: { tag: c.tag, scan: c.scan }, version }] : [];
    })
    .sort((a, b) => rank(a.candidate.scan, a.version, b.candidate.scan, b.version));
  return ranked[0]?.candidate;
}

function rank(a: ScannedBaseImage, aVersion: TagVersion, b: ScannedBaseImage, bVersion: TagVersion): number {
  return a.fixableCriticalHigh - b.fixableCriticalHigh || a.fixableCriticalHighMedium - b.fixableCriticalHighMedium || compareTagVersions(bVersion, aVersion);
}

/** Whether `candidate` has fewer fixable vulnerabilities than `current` (critical + high, then with medium). */
function fewerFixable(candidate: ScannedBaseImage, current: ScannedBaseImage): boolean {
  return (
    candidate.fixableCriticalHigh < current.fixableCriticalHigh ||
    (candidate.fixableCriticalHigh === current.fixableCriticalHigh && candidate.fixableCriticalHighMedium < current.fixableCriticalHighMedium)
  );
}

function unknownImage(reason: string, digest?: string, platformDigest?: string): UnknownBaseImage {
  return { state: 'unknown', digest, platformDigest, reason };
}

function isCancellation(error: unknown, signal: AbortSignal | undefined): boolean {
  return error instanceof AbortedError || signal?.aborted === true;
}

/** A registry as reached for one advice run: its client, or why it cannot be reached. */
type Connection = { host: string; client: RegistryClient; options: RegistryOptions } | { failed: string };

/** What one advice run keeps: registry clients, tag lists and image scans, each made once. */
class AdviceSession {
  private readonly connections = new Map<string, Connection>();
  private readonly tagLists = new Map<string, Promise<string[] | { failed: string }>>();
  private readonly scans = new Map<string, Promise<{ read: PlatformRead; unreadPackages: string | undefined }>>();
  private readonly shared = new SharedLayerScans();
  private readonly limits: Limits;

  constructor(private readonly options: BaseAdviceOptions) {
    this.limits = options.limits ?? defaultLimits;
  }

  async advise(parent: BaseParent): Promise<BaseImageAdvice> {
    let ref: ImageReference;
    try {
      ref = parseReference(parent.reference);
    } catch (error) {
      return this.unknownParent(parent, undefined, `${parent.reference} is not an image reference: ${messageOf(error)}`);
    }
    const platform = wantedPlatform(parent.platform);
    if ('failed' in platform) return this.unknownParent(parent, ref, platform.failed);
    const connection = this.connect(ref.registry);
    if ('failed' in connection) return this.unknownParent(parent, ref, connection.failed, platform);
    const diagnostics: string[] = [];
    const read = (reference: string): Promise<BaseImageScan> => this.scan(connection, ref.repository, reference, platform, diagnostics);

    const current = await read(ref.digest ?? ref.tag ?? 'latest');
    const advice = (fields: Pick<BaseImageAdvice, 'candidates' | 'recommendation' | 'verdict' | 'why'>): BaseImageAdvice => ({
      ...this.base(parent, ref, platform.platform),
      current,
      ...fields,
      diagnostics: [...new Set(diagnostics)],
    });
    const name = `${ref.repository}:${ref.tag ?? ''}`;
    if (ref.tag === undefined) return advice(none('nothing-in-line', `${ref.repository} is named by digest alone: without a tag it has no line of versions`));
    if (parseTagVersion(ref.tag) === undefined)
      return advice(none('nothing-in-line', `${name}: the tag is not a version, so it has no line of versions to move along`));

    const tags = await this.listTags(connection, ref.repository);
    if ('failed' in tags) return advice(none('unknown', `the tags of ${ref.repository} could not be listed: ${tags.failed}`));
    const wanted = lineCandidates(ref.tag, tags, this.options.maxCandidates ?? defaultMaxCandidates);
    const candidates = await mapConcurrently(wanted, this.options.parallel ?? defaultParallel, async (tag) => ({ tag, scan: await read(tag) }));
    if (current.state === 'unknown') return advice({ ...none('unknown', `the current image ${name}: ${current.reason}`), candidates });
    if (candidates.length === 0)
      return advice(none('nothing-in-line', `no other version tag of ${ref.repository} is in the line of ${ref.tag} (and not older)`));

    const best = bestCandidate(candidates);
    const unread = candidates.filter((c) => c.scan.state === 'unknown');
    if (best !== undefined && fewerFixable(best.scan, current)) {
      const reference = formatReference({ registry: ref.registry, repository: ref.repository, tag: best.tag, digest: best.scan.digest });
      return advice({
        candidates,
        recommendation: { tag: best.tag, reference, scan: best.scan },
        verdict: 'upgrade',
        why:
          `${ref.repository}:${best.tag} has ${countsText(best.scan)}, ${ref.tag} ${countsText(current)}` +
          (unread.length > 0 ? `; ${unread.length} of ${candidates.length} candidates could not be scanned` : ''),
      });
    }
    if (unread.length > 0) {
      const reasons = unread.map((c) => `${c.tag}: ${(c.scan as UnknownBaseImage).reason}`).join('; ');
      return advice({
        ...none('unknown', `no candidate scanned does better than ${ref.tag}, but ${unread.length} could not be scanned (${reasons})`),
        candidates,
      });
    }
    return advice({
      ...none(
        'already-best',
        `none of the ${candidates.length} candidates of the line has fewer fixable vulnerabilities than ${ref.tag} (${countsText(current)})`,
      ),
      candidates,
    });
  }

  async close(): Promise<void> {
    for (const connection of this.connections.values()) if (!('failed' in connection)) await connection.client.close();
  }

  private base(
    parent: BaseParent,
    ref: ImageReference | undefined,
    platform: string,
  ): Omit<BaseImageAdvice, 'current' | 'candidates' | 'recommendation' | 'verdict' | 'why' | 'diagnostics'> {
    return {
      parent: parent.reference,
      registry: ref?.registry ?? '',
      repository: ref?.repository ?? '',
      tag: ref?.tag,
      pinned: ref?.digest,
      platform,
      uses: parent.uses,
    };
  }

  private unknownParent(parent: BaseParent, ref: ImageReference | undefined, reason: string, platform?: { platform: string }): BaseImageAdvice {
    return {
      ...this.base(parent, ref, platform?.platform ?? parent.platform ?? formatPlatform(defaultPlatform)),
      current: unknownImage(reason),
      ...none('unknown', reason),
      diagnostics: [],
    };
  }

  private connect(registry: string): Connection {
    const known = this.connections.get(registry);
    if (known) return known;
    let connection: Connection;
    try {
      const access = this.options.access?.(registry) ?? { host: registry, options: {} };
      connection = { host: access.host, options: access.options, client: new RegistryClient(access.host, access.options) };
    } catch (error) {
      connection = { failed: `${registry} cannot be reached: ${messageOf(error)}` };
    }
    this.connections.set(registry, connection);
    return connection;
  }

  private listTags(connection: Extract<Connection, { client: RegistryClient }>, repository: string): Promise<string[] | { failed: string }> {
    const key = `${connection.host}/${repository}`;
    let tags = this.tagLists.get(key);
    if (!tags) {
      tags = connection.client.listTags(repository, { signal: this.options.signal, maxBytes: this.limits.maxDocumentBytes }).catch((error: unknown) => {
        if (isCancellation(error, this.options.signal)) throw error;
        return { failed: messageOf(error) };
      });
      this.tagLists.set(key, tags);
    }
    return tags;
  }

  /** Reads a tag or digest of the repository for the wanted platform and judges what its scan tells. */
  private async scan(
    connection: Extract<Connection, { client: RegistryClient }>,
    repository: string,
    reference: string,
    wanted: { platform: string; explicit: Platform | undefined },
    diagnostics: string[],
  ): Promise<BaseImageScan> {
    const signal = this.options.signal;
    let top;
    try {
      top = await connection.client.getManifest(repository, reference, { signal, maxBytes: this.limits.maxDocumentBytes });
    } catch (error) {
      if (isCancellation(error, signal)) throw error;
      return unknownImage(`the manifest could not be read: ${messageOf(error)}`);
    }
    let platformDigest = top.digest;
    let platform = '';
    if (top.document.kind === 'index') {
      try {
        const chosen = selectByPlatform(`${repository}:${reference}`, top.document.index, wanted.explicit ?? defaultPlatform);
        platformDigest = chosen.digest;
        platform = chosen.platform ? formatPlatform(chosen.platform) : '';
      } catch (error) {
        return unknownImage(messageOf(error), top.digest);
      }
    }
    // without advisories no count can be known: the layers are not worth reading
    if (!this.options.advisories) return unknownImage('no advisory database was given: its vulnerabilities were not looked for', top.digest, platformDigest);
    const { read, unreadPackages: packagesUnread } = await this.readPlatform(connection, repository, platformDigest, platform);
    for (const line of read.diagnostics) diagnostics.push(line);
    const facts = read.facts;
    const unknown = (reason: string): UnknownBaseImage => unknownImage(reason, top.digest, platformDigest);
    if (read.unread) return unknown(read.unread.message);
    if (wanted.explicit && !platformMatchesText(wanted.explicit, facts.platform)) return unknown(`it is a ${facts.platform} image, not ${wanted.platform}`);
    if (facts.vulnerabilities === undefined || facts.fixable === undefined) return unknown('its vulnerabilities were not counted');
    if (facts.coverage === undefined || !facts.coverage.complete) {
      const gaps = coverageGaps(facts.coverage && { ...facts.coverage, notChecked: [] });
      return unknown(`not every package could be checked: ${gaps.join('; ') || 'the scan does not say which were'}`);
    }
    if (packagesUnread) return unknown(`its packages could not all be read: ${packagesUnread}`);
    const fixable = facts.fixable;
    const count = (levels: readonly SeverityLevel[]): number => levels.reduce((sum, level) => sum + (fixable[level] ?? 0), 0);
    return {
      state: 'scanned',
      digest: top.digest,
      platformDigest,
      platform: facts.platform,
      vulnerabilities: facts.vulnerabilities,
      fixable,
      fixableCriticalHigh: count(['CRITICAL', 'HIGH']),
      fixableCriticalHighMedium: count(['CRITICAL', 'HIGH', 'MEDIUM']),
    };
  }

  /** One platform image read and scanned once per run, however many lines name it. */
  private readPlatform(
    connection: Extract<Connection, { client: RegistryClient }>,
    repository: string,
    digest: string,
    platform: string,
  ): Promise<{ read: PlatformRead; unreadPackages: string | undefined }> {
    const key = `${connection.host}/${repository}@${digest}`;
    let scan = this.scans.get(key);
    if (!scan) {
      let inventory: Inventory | undefined;
      const options: ImageFactsOptions = {
        registry: connection.host,
        client: connection.client,
        registryOptions: connection.options,
        limits: this.limits,
        cacheDir: this.options.cacheDir,
        advisories: this.options.advisories,
        secrets: false,
        readLayers: true,
        shared: this.shared,
        now: this.options.now,
        layerParallel: 3,
        signal: this.options.signal,
        fleetLayers: this.options.fleetLayers,
        onInventory: (_digest, read) => (inventory = read),
      };
      scan = platformImageFacts(repository, digest, platform, options).then((read) => {
        if (this.options.signal?.aborted) throw new AbortedError();
        const problems = inventory ? unreadPackages(inventory.diagnostics) : [];
        return { read, unreadPackages: problems.length > 0 ? problems.map((d) => d.message).join('; ') : undefined };
      });
      this.scans.set(key, scan);
    }
    return scan;
  }
}

/** The platform to read: `--platform` when it names one, else linux/amd64 (a build variable such as `$BUILDPLATFORM` is not known here). */
function wantedPlatform(written: string | undefined): { platform: string; explicit: Platform | undefined } | { failed: string } {
  if (written === undefined || written.includes('$')) return { platform: formatPlatform(defaultPlatform), explicit: undefined };
  try {
    const explicit = parsePlatform(written);
    return { platform: formatPlatform(explicit), explicit };
  } catch (error) {
    return { failed: messageOf(error) };
  }
}

function platformMatchesText(wanted: Platform, actual: string): boolean {
  try {
    return platformMatches(wanted, parsePlatform(actual));
  } catch {
    // an image whose config names no valid platform is not the one asked for
    return false;
  }
}

function none(verdict: BaseAdviceVerdict, why: string): Pick<BaseImageAdvice, 'candidates' | 'recommendation' | 'verdict' | 'why'> {
  return { candidates: [], recommendation: undefined, verdict, why };
}

/** `2 fixable critical/high (3 with medium)`, or why the counts are not known. */
function countsText(scan: BaseImageScan): string {
  if (scan.state === 'unknown') return `unknown vulnerabilities (${scan.reason})`;
  return `${scan.fixableCriticalHigh} fixable critical/high (${scan.fixableCriticalHighMedium} with medium)`;
}
