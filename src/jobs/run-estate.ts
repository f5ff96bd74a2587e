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
import { collectEstate, type EstateConfig } from '../lifecycle/collect.js';
import type { WorkloadImage } from '../runtime/manifests/images.js';
import type { RegistryConfig, ShipshapeConfig } from '../lifecycle/config.js';
import type { UnscannedRegistry } from '../lifecycle/estate-model.js';
import { buildLifecycleMap } from '../lifecycle/map.js';
import type { ReportInput } from '../report/html/input.js';
import { postureJson } from '../report/posture-json.js';
import type { ObservedItem, RunPart, RunRecord, Store } from '../store/model.js';
import type { AdvisoryLookup } from '../vuln/match/matcher.js';
import { assessEstate, loadEstatePolicy, postureTitle } from './posture.js';
import { estateHostOf, scanConfiguredRegistry } from './registry-scan.js';

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

/**
 * One run of the estate: the configured registries scanned (on a push, only the pushed
 * repository, merged into the last good scan of its registry), the sources, manifests and cluster
 * read, the map built and the posture assessed — the same assessment as `shipshape posture` —
 * and everything recorded in one transaction. A registry that cannot be read is assessed from its
 * last good scan, marked stale with its age; with none, it is not assessed (never clean).
 */
export async function runEstate(context: RunContext, run: RunRecord, push?: PushSubject): Promise<void> {
  const { store, config } = context;
  const started = context.now();
  const parts: RunPart[] = [];
  const reports: RegistryScanReport[] = [];
  const unscanned: UnscannedRegistry[] = [];
  const stalePhases = new Set<string>();
  // layers read by this run (a kept or re-matched scan reads none)
  const layerStats = { read: 0, distinct: 0 };
  try {
    const policy = await loadEstatePolicy(config);
    const advisories = context.advisories();
    for (const registry of config.registries) {
      const part = await registryPart({ ...context, trigger: run.trigger }, registry, push, policy.maxImageAgeDays, advisories);
      parts.push(part.part);
      if (part.report) reports.push(part.report);
      if (part.fresh) {
        layerStats.read += part.fresh.stats.layers.read;
        layerStats.distinct += part.fresh.stats.layers.read + part.fresh.stats.layers.fromDiskCache + (part.fresh.stats.layers.fromFleet ?? 0);
      }
      if (part.part.status !== 'ok') {
        // what the failed scan would have resolved stays open: neither its findings nor gaps are decided by it
        stalePhases.add('distribute').add('build');
        if (!part.report) unscanned.push({ registry: estateHostOf(registry), reason: part.part.reason ?? 'not read' });
      }
    }
    for (const report of reports)
      for (const item of report.unread ?? []) unscanned.push({ registry: `${report.registry}/${item.where}`, reason: item.message });

    const collectStarted = Date.now();
    const evidence = await collectEstate(estateOf(context, reports));
    pushAll(parts, collectParts(config, evidence.diagnostics ?? [], Date.now() - collectStarted));
    if (parts.some((p) => p.name === 'cluster' && p.status === 'failed')) stalePhases.add('run').add('host');
    if (unscanned.length > 0) evidence.unscannedRegistries = unscanned;

    const now = context.now();
    const map = buildLifecycleMap(evidence, now, { config: config.file });
    const input = assessEstate(evidence, map, { policy, now, advisories, title: postureTitle(config), toolVersion: context.toolVersion });
    const document = JSON.parse(postureJson(input)) as unknown;
    const images = imagesOf(reports, evidence.run?.images ?? [], now);
    await store.upsertImages(images);
    for (const [digest, counts] of vulnerabilityCounts(reports)) await store.setVulnerabilityCounts(digest, counts, now.toISOString());
    await store.finishRun(run.id, {
      status: 'done',
      finishedAt: context.now().toISOString(),
      parts,
      stats: {
        durationMs: context.now().getTime() - started.getTime(),
        images: new Set(images.map((i) => i.digest)).size,
        findings: input.findings.length,
        layerReads: layerStats.read,
        layers: layerStats.distinct,
      },
      document,
      scores: [...input.posture.phases.map((p) => ({ phase: p.phase as string, score: p.score })), { phase: 'overall', score: input.posture.overall }],
      observed: observedItems(input),
      stalePhases: [...stalePhases],
    });
  } catch (error) {
    context.log(`run ${run.id} failed: ${messageOf(error)}`);
    await store.finishRun(run.id, {
      status: 'failed',
      finishedAt: context.now().toISOString(),
      error: messageOf(error),
      parts,
      stats: { durationMs: context.now().getTime() - started.getTime() },
    });
  }
}

/** One configured registry's part of a run: scanned (whole, or the pushed repository), or its last good scan standing in. */
async function registryPart(
  context: RunContext & { trigger: RunRecord['trigger'] },
  registry: RegistryConfig,
  push: PushSubject | undefined,
  maxImageAgeDays: number,
  advisories: AdvisoryLookup | undefined,
): Promise<{ part: RunPart; report: RegistryScanReport | undefined; fresh?: RegistryScanReport }> {
  const name = `registry:${registry.name}`;
  const kept = await keptReport(context.store, registry);
  const started = Date.now();
  // new advisories: the last good scan matched again from the stored inventories, no image read
  if (context.trigger === 'advisories' && kept && advisories) {
    const report = await rematchReport(context.store, kept.report, advisories, { now: context.now(), maxImageAgeDays, keysGiven: registry.key !== undefined });
    await keepReport(context.store, registry, { readAt: kept.readAt, report });
    return { part: { name, status: 'ok', durationMs: Date.now() - started, readAt: kept.readAt }, report };
  }
  // a push elsewhere leaves this registry as it was last read
  if (push !== undefined && push.registry !== registry.name && kept)
    return { part: { name, status: 'ok', durationMs: 0, readAt: kept.readAt }, report: kept.report };
  const repositories = push?.registry === registry.name && kept ? [push.repository] : undefined;
  const inventories = new Map<string, Inventory>();
  try {
    const fresh = await scanConfiguredRegistry(registry, {
      env: context.env,
      homedir: context.homedir,
      cacheDir: context.cacheDir,
      advisories,
      maxImageAgeDays,
      now: context.now(),
      previous: await context.store.previousRegistryScan(estateHostOf(registry), registry.prefix),
      repositories,
      signal: context.signal,
      onProgress: undefined,
      onInventory: (digest, inventory) => inventories.set(digest, inventory),
      fleetLayers: context.fleetLayers,
    });
    const report = repositories && kept ? mergeRepositoryScan(kept.report, fresh, repositories) : fresh;
    await context.store.recordRegistryScan(fresh);
    const readAt = context.now().toISOString();
    for (const [digest, inventory] of inventories) await context.store.putInventory(digest, toStoredInventory(inventory), inventoryFormat, readAt);
    await keepReport(context.store, registry, { readAt, report });
    return { part: { name, status: 'ok', durationMs: Date.now() - started }, report, fresh };
  } catch (error) {
    if (!(error instanceof ShipshapeError) || error instanceof UsageError) throw error;
    const reason = messageOf(error);
    context.log(`${name}: ${reason}`);
    if (kept) return { part: { name, status: 'stale', reason, durationMs: Date.now() - started, readAt: kept.readAt }, report: kept.report };
    return { part: { name, status: 'failed', reason, durationMs: Date.now() - started }, report: undefined };
  }
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
function estateOf(context: RunContext, reports: RegistryScanReport[]): EstateConfig {
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
