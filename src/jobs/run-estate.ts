import { createHash } from 'node:crypto';
import path from 'node:path';
import { pushAll } from '../core/collections.js';
import { ShipshapeError, UsageError, messageOf } from '../core/errors.js';
import type { RegistryScanReport } from '../distribute/model.js';
import { mergeRepositoryScan } from '../distribute/merge.js';
import { checkRegistry } from '../distribute/rules/check.js';
import { rematchInventory } from '../distribute/vulnerability-facts.js';
import type { Inventory } from '../inventory/inventory.js';
import type { FleetLayerStore } from '../image/fleet-layers.js';
import { fromStoredInventory, toStoredInventory, type StoredInventory } from '../inventory/stored.js';
import { collectEstate, estateFilePath, type EstateConfig, type EstateParts } from '../lifecycle/collect.js';
import { attachPatches } from './fix.js';
import type { WorkloadImage } from '../runtime/manifests/images.js';
import type { RegistryConfig, ShipshapeConfig } from '../lifecycle/config.js';
import type { UnscannedRegistry } from '../lifecycle/estate-model.js';
import { loadHostReport } from '../lifecycle/host-report.js';
import { hostName } from '../lifecycle/map-host.js';
import type { HostReport } from '../host/scan.js';
import { buildLifecycleMap } from '../lifecycle/map.js';
import type { ReportInput } from '../report/html/input.js';
import { postureJson } from '../report/posture-json.js';
import type { ObservedItem, RunPart, RunRecord, Store } from '../store/model.js';
import type { AdvisoryLookup } from '../vuln/match/matcher.js';
import { assessEstate, loadEstatePolicy, postureTitle } from './posture.js';
import { estateHostOf, finishConfiguredRegistry, planConfiguredRegistry, PlatformReader, type PlatformReadContext } from './registry-scan.js';
import { readPlatforms, type PlatformRequest, type RegistryScanPlan } from '../distribute/scan.js';
import type { PlatformRead } from '../distribute/image-facts.js';

/** What a run of the server needs besides the store: the estate's config and where it runs. */
export interface RunContext {
  store: Store;
  config: ShipshapeConfig;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  cacheDir: string;
  /** The advisory database as it is now (it changes after an update). */
  advisories: () => AdvisoryLookup | undefined;
  toolVersion: string;
  now: () => Date;
  log: (message: string) => void;
  signal?: AbortSignal | undefined;
  /** Layer scans shared with the fleet's other workers (set by `shipshape worker`). */
  fleetLayers?: FleetLayerStore | undefined;
}

/** A registry push: which configured registry, and which repository to read again. */
export interface PushSubject {
  /** The configured registry's `name`. */
  registry: string;
  repository: string;
}

/** Most parts a run records: beyond, the posture's unscanned registries still name every image not read. */
const maxParts = 1000;

/** How inventories are stored: bump when their shape changes (older ones are then read again, not misread). */
const inventoryFormat = 'shipshape-inventory@1';

/** The push a run was queued for, from its subject. */
export function pushSubjectOf(run: RunRecord): PushSubject | undefined {
  if (run.trigger !== 'push' || run.subject === undefined) return undefined;
  const parsed = JSON.parse(run.subject) as PushSubject;
  return { registry: parsed.registry, repository: parsed.repository };
}

/** The last good scan of a configured registry, kept so a failed scan never erases it silently. */
interface KeptReport {
  readAt: string;
  report: RegistryScanReport;
}

const keptKey = (registry: RegistryConfig): string => `registry-report:${registry.name}`;

/** A configured registry's part of a run once planned: settled (kept, re-matched or failed), or a scan with platform images to read. */
type RegistryPlan =
  | { registry: string; settled: { part: RunPart; report: RegistryScanReport | undefined } }
  | { registry: string; scan: RegistryScanPlan; repositories: string[] | undefined };

/** A run up to the reading of images: plain data, kept in the store while a fleet's workers read them. */
export interface RunPlan {
  startedAt: string;
  /** How long the plan took (listing the registries). */
  planMs: number;
  maxImageAgeDays: number;
  registries: RegistryPlan[];
}

/** What was read of one registry's platform images (by `platformKey`), and how its layers were come by. */
export interface RegistryReads {
  reads: Map<string, PlatformRead>;
  layers: LayerCounts;
}

type LayerCounts = RegistryScanReport['stats']['layers'];

/**
 * One run of the estate in this process: planned, its images read here (`parallel` at a time,
 * layers shared between them), and finished — the same steps a fleet's workers take apart.
 */
export async function runEstate(context: RunContext, run: RunRecord, push?: PushSubject): Promise<void> {
  const plan = await planOrFail(context, run, push);
  if (plan === undefined) return;
  const reads = new Map<string, RegistryReads>();
  for (const entry of plan.registries) {
    if (!('scan' in entry)) continue;
    const reader = await PlatformReader.open(registryNamed(context.config, entry.registry), readContextOf(context));
    try {
      const found = await readPlatforms(entry.scan, 4, async (request) => {
        const read = await reader.read(request);
        await storeInventories(context.store, reader.takeInventories(), context.now());
        return read;
      });
      reads.set(entry.registry, { reads: found, layers: { ...reader.layers.counts } });
    } catch (error) {
      // a failure that is not one image's (the store gone): the run fails as a whole
      await failRun(context, run, plan, error);
      return;
    } finally {
      await reader.close();
    }
  }
  await finishPlannedRun(context, run, plan, reads);
}

/**
 * The first step of a run: each configured registry listed (repositories, tags, manifests,
 * signatures) — on a push only the pushed repository; on new advisories, the last good scan
 * matched again with no image read; a registry that cannot be read settled from its last good
 * scan (stale) or failed. Undefined when the run failed as a whole (it is then finished as failed).
 */
export async function planOrFail(context: RunContext, run: RunRecord, push: PushSubject | undefined): Promise<RunPlan | undefined> {
  const startedAt = context.now().toISOString();
  try {
    const policy = await loadEstatePolicy(context.config);
    const registries: RegistryPlan[] = [];
    for (const registry of context.config.registries)
      registries.push(await planRegistry({ ...context, trigger: run.trigger }, registry, push, policy.maxImageAgeDays));
    return { startedAt, planMs: context.now().getTime() - Date.parse(startedAt), maxImageAgeDays: policy.maxImageAgeDays, registries };
  } catch (error) {
    await failRun(context, run, { startedAt, planMs: 0, maxImageAgeDays: 0, registries: [] }, error);
    return undefined;
  }
}

/** Every platform image a plan has still to read, with its registry's name. */
export function plannedReads(plan: RunPlan): { registry: string; request: PlatformRequest }[] {
  return plan.registries.flatMap((entry) =>
    'scan' in entry ? entry.scan.images.flatMap((image) => image.platforms.map((request) => ({ registry: entry.registry, request }))) : [],
  );
}

/**
 * The last step of a run: the registry scans finished from what was read, the sources, manifests
 * and cluster read, the map built and the posture assessed — the same assessment as `shipshape
 * posture` — and everything recorded in one transaction. A registry that cannot be read is
 * assessed from its last good scan, marked stale with its age; with none, it is not assessed
 * (never clean).
 */
export async function finishPlannedRun(
  context: RunContext,
  run: RunRecord,
  plan: RunPlan,
  registryReads: ReadonlyMap<string, RegistryReads>,
  estateParts: EstateParts = {},
): Promise<void> {
  const { store, config } = context;
  const parts: RunPart[] = [];
  const reports: RegistryScanReport[] = [];
  const unscanned: UnscannedRegistry[] = [];
  const stalePhases = new Set<string>();
  const layers = { read: 0, distinct: new Set<string>() };
  const assembleStarted = context.now().getTime();
  try {
    const policy = await loadEstatePolicy(config);
    const advisories = context.advisories();
    for (const entry of plan.registries) {
      const registry = registryNamed(config, entry.registry);
      const found = registryReads.get(entry.registry);
      const part = 'scan' in entry ? await finishRegistry(context, registry, entry, found, plan.maxImageAgeDays) : entry.settled;
      parts.push(part.part);
      if (part.report) reports.push(part.report);
      layers.read += found?.layers.read ?? 0;
      for (const read of found?.reads.values() ?? []) for (const digest of read.layers ?? []) layers.distinct.add(digest);
      if (part.part.status !== 'ok') {
        // what the failed scan would have resolved stays open: neither its findings nor gaps are decided by it
        stalePhases.add('distribute').add('build');
        if (!part.report) unscanned.push({ registry: estateHostOf(registry), reason: part.part.reason ?? 'not read' });
      }
    }
    for (const report of reports)
      for (const item of report.unread ?? []) {
        unscanned.push({ registry: `${report.registry}/${item.where}`, reason: item.message });
        // each image (repository, tag) that could not be read is a failed part of the run, with its reason
        if (parts.length < maxParts) parts.push({ name: `${report.registry}/${item.where}`, status: 'failed', reason: item.message, durationMs: 0 });
      }

    const collectStarted = Date.now();
    const evidence = await collectEstate(estateOf(context, reports), {}, estateParts);
    pushAll(parts, collectParts(config, evidence.diagnostics ?? [], Date.now() - collectStarted));
    if (parts.some((p) => p.name === 'cluster' && p.status === 'failed')) stalePhases.add('run').add('host');
    if (unscanned.length > 0) evidence.unscannedRegistries = unscanned;
    const hosts = await hostsOf(context);
    if (hosts.length > 0) evidence.hosts = hosts;

    const now = context.now();
    const map = buildLifecycleMap(evidence, now, { config: config.file });
    const input = assessEstate(evidence, map, { policy, now, advisories, title: postureTitle(config), toolVersion: context.toolVersion });
    // each change shown with its patch, as `shipshape posture` shows it (a file that cannot be read leaves its change without one)
    await attachPatches(input.posture, {
      base: path.dirname(path.resolve(config.file)),
      locate: (file) => estateFilePath(config.sources, file),
    }).catch((error: unknown) => context.log(`run ${run.id}: the proposed changes are kept without their patches: ${messageOf(error)}`));
    const document = JSON.parse(postureJson(input)) as unknown;
    const images = imagesOf(reports, evidence.run?.images ?? [], now);
    await store.upsertImages(images);
    for (const [digest, counts] of vulnerabilityCounts(reports)) await store.setVulnerabilityCounts(digest, counts, now.toISOString());
    await store.finishRun(run.id, {
      status: 'done',
      finishedAt: context.now().toISOString(),
      parts,
      stats: {
        durationMs: context.now().getTime() - Date.parse(plan.startedAt),
        // the three steps: listing, reading the images (here or on the fleet), assembling
        planMs: plan.planMs,
        readMs: assembleStarted - Date.parse(plan.startedAt) - plan.planMs,
        assembleMs: context.now().getTime() - assembleStarted,
        images: new Set(images.map((i) => i.digest)).size,
        findings: input.findings.length,
        layerReads: layers.read,
        layers: layers.distinct.size,
        hosts: hosts.length,
      },
      document,
      scores: [...input.posture.phases.map((p) => ({ phase: p.phase as string, score: p.score })), { phase: 'overall', score: input.posture.overall }],
      observed: observedItems(input),
      stalePhases: [...stalePhases],
    });
  } catch (error) {
    await failRun(context, run, plan, error, parts);
  }
}

/** Records the run as failed with its reason (and the parts done until then). */
export async function failRun(context: RunContext, run: RunRecord, plan: RunPlan, error: unknown, parts: RunPart[] = []): Promise<void> {
  context.log(`run ${run.id} failed: ${messageOf(error)}`);
  await context.store.finishRun(run.id, {
    status: 'failed',
    finishedAt: context.now().toISOString(),
    error: messageOf(error),
    parts,
    stats: { durationMs: context.now().getTime() - Date.parse(plan.startedAt) },
  });
}

/** The configured registry of that name (a plan names registries by name). */
export function registryNamed(config: ShipshapeConfig, name: string): RegistryConfig {
  const registry = config.registries.find((r) => r.name === name);
  if (registry === undefined) throw new UsageError(`the estate config has no registry named ${JSON.stringify(name)} (it changed during the run)`);
  return registry;
}

/** Where platform images are read: the run's environment, cache, advisories and fleet. */
export function readContextOf(context: RunContext): PlatformReadContext {
  return {
    env: context.env,
    homedir: context.homedir,
    cacheDir: context.cacheDir,
    advisories: context.advisories(),
    now: context.now(),
    signal: context.signal,
    fleetLayers: context.fleetLayers,
  };
}

/** Keeps each inventory read, so that new advisories are matched against it without reading the image again. */
export async function storeInventories(store: Store, inventories: ReadonlyMap<string, Inventory>, now: Date): Promise<void> {
  for (const [digest, inventory] of inventories) await store.putInventory(digest, toStoredInventory(inventory), inventoryFormat, now.toISOString());
}

/** One configured registry's part of a run planned: its listing, or its last good scan standing in (or re-matched against new advisories). */
async function planRegistry(
  context: RunContext & { trigger: RunRecord['trigger'] },
  registry: RegistryConfig,
  push: PushSubject | undefined,
  maxImageAgeDays: number,
): Promise<RegistryPlan> {
  const name = `registry:${registry.name}`;
  const kept = await keptReport(context.store, registry);
  const started = Date.now();
  const advisories = context.advisories();
  const settled = (part: RunPart, report: RegistryScanReport | undefined): RegistryPlan => ({ registry: registry.name, settled: { part, report } });
  // new advisories: the last good scan matched again from the stored inventories, no image read
  if (context.trigger === 'advisories' && kept && advisories) {
    const report = await rematchReport(context.store, kept.report, advisories, { now: context.now(), maxImageAgeDays, keysGiven: registry.key !== undefined });
    await keepReport(context.store, registry, { readAt: kept.readAt, report });
    return settled({ name, status: 'ok', durationMs: Date.now() - started, readAt: kept.readAt }, report);
  }
  // a push elsewhere, or a host's report (the run assesses what the hosts sent), leaves this registry as it was last read
  if (((push !== undefined && push.registry !== registry.name) || context.trigger === 'host') && kept)
    return settled({ name, status: 'ok', durationMs: 0, readAt: kept.readAt }, kept.report);
  const repositories = push?.registry === registry.name && kept ? [push.repository] : undefined;
  try {
    const scan = await planConfiguredRegistry(registry, {
      ...readContextOf(context),
      maxImageAgeDays,
      previous: await context.store.previousRegistryScan(estateHostOf(registry), registry.prefix),
      repositories,
    });
    return { registry: registry.name, scan, repositories };
  } catch (error) {
    if (!(error instanceof ShipshapeError) || error instanceof UsageError) throw error;
    const reason = messageOf(error);
    context.log(`${name}: ${reason}`);
    if (kept) return settled({ name, status: 'stale', reason, durationMs: Date.now() - started, readAt: kept.readAt }, kept.report);
    return settled({ name, status: 'failed', reason, durationMs: Date.now() - started }, undefined);
  }
}

/** A planned registry scan finished from its reads (merged into the last good scan on a push), recorded and kept. */
async function finishRegistry(
  context: RunContext,
  registry: RegistryConfig,
  entry: Extract<RegistryPlan, { scan: RegistryScanPlan }>,
  found: RegistryReads | undefined,
  maxImageAgeDays: number,
): Promise<{ part: RunPart; report: RegistryScanReport }> {
  const { store } = context;
  const fresh = finishConfiguredRegistry(registry, entry.scan, found?.reads ?? new Map(), {
    now: new Date(entry.scan.scannedAt),
    maxImageAgeDays,
    previous: await store.previousRegistryScan(estateHostOf(registry), registry.prefix),
    layers: found?.layers ?? { read: 0, fromDiskCache: 0, shared: 0, fromFleet: 0 },
  });
  const kept = entry.repositories ? await keptReport(store, registry) : undefined;
  const report = entry.repositories && kept ? mergeRepositoryScan(kept.report, fresh, entry.repositories) : fresh;
  await store.recordRegistryScan(fresh);
  const readAt = context.now().toISOString();
  await keepReport(store, registry, { readAt, report });
  return { part: { name: `registry:${registry.name}`, status: 'ok', durationMs: Date.now() - entry.scan.startedMs }, report };
}

async function keptReport(store: Store, registry: RegistryConfig): Promise<KeptReport | undefined> {
  const text = await store.getSetting(keptKey(registry));
  return text === undefined ? undefined : (JSON.parse(text) as KeptReport);
}

async function keepReport(store: Store, registry: RegistryConfig, kept: KeptReport): Promise<void> {
  await store.setSetting(keptKey(registry), JSON.stringify(kept));
}

/** A kept registry scan with every platform image that has a stored inventory matched against `advisories`, its SS-REG findings checked again. */
async function rematchReport(
  store: Store,
  report: RegistryScanReport,
  advisories: AdvisoryLookup,
  rules: { now: Date; maxImageAgeDays: number; keysGiven: boolean },
): Promise<RegistryScanReport> {
  const repositories = [];
  for (const repository of report.repositories) {
    const images = [];
    for (const image of repository.images) {
      const platforms = [];
      for (const platform of image.platforms) {
        const stored = await store.getInventory(platform.digest);
        // an image whose inventory was never stored (or in another format) keeps the facts it was scanned with
        const inventory = stored?.analysers === inventoryFormat ? fromStoredInventory(stored.inventory as StoredInventory) : undefined;
        platforms.push(inventory ? { ...platform, ...rematchInventory(inventory, advisories) } : platform);
      }
      images.push({ ...image, platforms });
    }
    repositories.push({ ...repository, images });
  }
  const { findings: _old, ...rest } = { ...report, repositories };
  return { ...rest, findings: checkRegistry(rest, { ...rules, previous: undefined }) };
}

/**
 * The hosts a run assesses: the reports of the config's `hostReports` files, and the newest report
 * each host sent the server, named as it was sent (a Kubernetes node's name, so that it is the
 * cluster's node on the map) — which replaces a file's report of the same host.
 */
async function hostsOf(context: RunContext): Promise<HostReport[]> {
  const hosts = new Map<string, HostReport>();
  // a config published by an older server (a fleet's workers read it from the store) has no hostReports
  for (const file of context.config.hostReports ?? []) {
    const report = await loadHostReport(file);
    hosts.set(hostName(report), report);
  }
  for (const { name, report } of await context.store.hostReports()) hosts.set(name, { ...report, host: { ...report.host, hostname: name } });
  return [...hosts.values()];
}

/** The parts read by `collectEstate`, failed where its diagnostics say a whole input could not be read. */
function collectParts(config: ShipshapeConfig, diagnostics: readonly { level: string; code: string; message: string }[], durationMs: number): RunPart[] {
  const failure = (prefix: string): string | undefined => diagnostics.find((d) => d.level === 'error' && d.code.startsWith(prefix))?.message;
  const part = (name: string, reason: string | undefined): RunPart => ({
    name,
    status: reason === undefined ? 'ok' : 'failed',
    ...(reason ? { reason } : {}),
    durationMs,
  });
  return [
    ...(config.sources.length > 0 ? [part('sources', undefined)] : []),
    ...(config.manifests.length > 0 ? [part('manifests', failure('manifest.'))] : []),
    ...(config.cluster ? [part('cluster', failure('cluster.'))] : []),
  ];
}

/** What `collectEstate` reads of the config: the sources, manifests and cluster, joined with the registry scans. */
export function estateOf(context: RunContext, reports: RegistryScanReport[]): EstateConfig {
  const { config, env } = context;
  return {
    sources: config.sources,
    registryReports: reports,
    manifests: config.manifests,
    cluster: config.cluster
      ? {
          kubeconfig: config.cluster.kubeconfig ?? env.KUBECONFIG?.split(path.delimiter)[0] ?? path.join(context.homedir, '.kube', 'config'),
          ...(config.cluster.context !== undefined ? { context: config.cluster.context } : {}),
          ...(config.cluster.namespaces !== undefined ? { namespaces: config.cluster.namespaces } : {}),
          inPod: env.KUBERNETES_SERVICE_HOST !== undefined,
        }
      : undefined,
    ...(config.k8sVersion !== undefined ? { k8sVersion: config.k8sVersion } : {}),
    ...(config.allowedRegistries !== undefined ? { allowedRegistries: config.allowedRegistries } : {}),
    gitlab: config.gitlab,
  };
}

/** Each image the registries hold, once per digest (its platforms joined), and whether a workload runs it. */
function imagesOf(reports: readonly RegistryScanReport[], workloads: readonly WorkloadImage[], now: Date): Parameters<Store['upsertImages']>[0] {
  const images = new Map<string, Parameters<Store['upsertImages']>[0][number]>();
  for (const report of reports)
    for (const repository of report.repositories)
      for (const image of repository.images) {
        if (images.has(image.digest)) continue;
        images.set(image.digest, {
          digest: image.digest,
          reference: `${report.registry}/${repository.name}${image.tags[0] ? `:${image.tags[0]}` : `@${image.digest}`}`,
          platform: image.platforms.map((p) => p.platform).join(', '),
          running: workloads.some((w) => w.digest === image.digest || (w.repository === repository.name && image.tags.includes(w.tag ?? ''))),
          seenAt: now.toISOString(),
        });
      }
  return [...images.values()];
}

/** Vulnerability counts by severity of each image (its platforms summed) that was checked. */
function vulnerabilityCounts(reports: readonly RegistryScanReport[]): Map<string, Record<string, number>> {
  const counts = new Map<string, Record<string, number>>();
  for (const report of reports)
    for (const repository of report.repositories)
      for (const image of repository.images)
        for (const platform of image.platforms) {
          if (platform.vulnerabilities === undefined) continue;
          const sum = counts.get(image.digest) ?? {};
          for (const [severity, n] of Object.entries(platform.vulnerabilities)) sum[severity] = (sum[severity] ?? 0) + (n ?? 0);
          counts.set(image.digest, sum);
        }
  return counts;
}

/** Every finding of the run and every control gap or partial, as the store tracks them across runs. */
function observedItems(input: ReportInput): ObservedItem[] {
  const items = new Map<string, ObservedItem>();
  for (const f of input.findings) {
    const fingerprint = fingerprintOf('finding', f.category, f.id, f.where, f.detail ?? '');
    items.set(fingerprint, {
      fingerprint,
      kind: 'finding',
      ruleId: f.id,
      severity: f.severity,
      phase: f.phase,
      category: f.category,
      title: f.title,
      where: f.where,
      detail: f.detail,
    });
  }
  for (const c of input.posture.controls) {
    if (c.status !== 'gap' && c.status !== 'partial') continue;
    const fingerprint = fingerprintOf('gap', c.control.id);
    items.set(fingerprint, {
      fingerprint,
      kind: 'gap',
      ruleId: c.control.id,
      severity: c.status === 'partial' ? 'LOW' : c.control.weight >= 2 ? 'HIGH' : 'MEDIUM',
      phase: c.control.phase,
      category: c.status,
      title: c.control.title,
      where: c.evidence.find((e) => !e.ok && e.where)?.where ?? c.control.phase,
      detail: c.summary,
    });
  }
  return [...items.values()];
}

function fingerprintOf(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}
