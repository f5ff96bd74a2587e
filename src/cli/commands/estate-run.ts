import { configFileName, configFileOf } from '../config-file.js';
import path from 'node:path';
import { ShipshapeError, UsageError, messageOf } from '../../core/errors.js';
import type { RegistryScanReport } from '../../distribute/model.js';
import { collectEstate, type EstateConfig } from '../../lifecycle/collect.js';
import { loadShipshapeConfig, type RegistryConfig, type ShipshapeConfig } from '../../lifecycle/config.js';
import type { EstateEvidence, UnscannedRegistry } from '../../lifecycle/estate-model.js';
import { buildLifecycleMap } from '../../lifecycle/map.js';
import type { LifecycleMap } from '../../lifecycle/model.js';
import { loadRegistryReport } from '../../lifecycle/registry-report.js';
import { loadHostReport } from '../../lifecycle/host-report.js';
import type { AdvisoryLookup } from '../../vuln/match/matcher.js';
import { warn } from '../errors.js';
import type { CliIo } from '../io.js';
import { defaultCacheDir } from '../options.js';
import { ProgressLine } from '../progress.js';
import type { EstateOptionValues } from './map.js';

export interface Estate {
  config: ShipshapeConfig | undefined;
  evidence: EstateEvidence;
  map: LifecycleMap;
  /** What was read: the flags and config merged, the registry scans joined (for reading the estate again). */
  collected: EstateConfig;
}

export interface EstateRunOptions {
  /** The advisory database, for vulnerability counts of the images in scanned registries. */
  advisories?: AdvisoryLookup | undefined;
  /** Images older than this are stale (SS-REG-012). */
  maxImageAgeDays?: number | undefined;
  /** The config already loaded by the caller (`loadEstateConfig`); undefined when none is read. */
  config?: ShipshapeConfig | undefined;
}

/** The config file discovered in the working directory, as Trivy reads `trivy.yaml`. */

/** `--config FILE`, else `./shipshape.yaml` when there is one (unless `--no-config`); undefined when none is read. */
export async function loadEstateConfig(values: EstateOptionValues, io: CliIo): Promise<ShipshapeConfig | undefined> {
  const file = configFileOf(values.config, io);
  return file === undefined ? undefined : loadShipshapeConfig(file);
}

/**
 * Flags and `--config` merged (flags add to the config's lists): the config's registries scanned
 * live (and recorded in the scan history), reports given with `--registry-report` read, the estate
 * collected and its lifecycle map built. Shared by `map`, `trace` and `posture`.
 */
export async function estateFromOptions(values: EstateOptionValues, io: CliIo, options: EstateRunOptions = {}): Promise<Estate> {
  const config = 'config' in options ? options.config : await loadEstateConfig(values, io);
  const sources = [...(config?.sources ?? []), ...values.source];
  const manifests = [...(config?.manifests ?? []), ...values.manifests];
  const wantCluster = values.cluster || config?.cluster !== undefined;
  const registries = config?.registries ?? [];
  const hostReports = [...(config?.hostReports ?? []), ...(values.hostReport ?? [])];
  if (
    sources.length === 0 &&
    manifests.length === 0 &&
    values.registryReport.length === 0 &&
    registries.length === 0 &&
    hostReports.length === 0 &&
    !wantCluster
  ) {
    throw new UsageError('nothing to map', {
      hint: `run it where ${configFileName} is, or give --config FILE, --source DIR, --registry-report FILE, --manifests PATH, --host-report FILE, --cluster`,
    });
  }
  const progress = ProgressLine.for(io, values.quiet);
  try {
    const registryReports: RegistryScanReport[] = [];
    const unscannedRegistries: UnscannedRegistry[] = [];
    for (const file of values.registryReport) registryReports.push(await loadRegistryReport(file));
    for (const registry of registries) {
      // one unreachable registry should not lose the rest of the estate: the distribute phase is then
      // assessed without it, and every report says which registry was not read and why
      const report = await scanConfiguredRegistry(registry, io, options, progress).catch((error: unknown) => {
        if (!(error instanceof ShipshapeError) || error instanceof UsageError) throw error;
        warn(io, `the registry ${registry.name} could not be scanned (${messageOf(error)}); the estate is assessed without it`);
        unscannedRegistries.push({ registry: registry.prefix ? `${registry.registry}/${registry.prefix}` : registry.registry, reason: messageOf(error) });
        return undefined;
      });
      if (report) registryReports.push(report);
    }
    // what a scan could not read of a registry (a repository, a tag, an image) is not assessed either
    for (const report of registryReports) {
      for (const item of report.unread ?? []) unscannedRegistries.push({ registry: `${report.registry}/${item.where}`, reason: item.message });
    }
    const kubeconfig =
      values.kubeconfig ?? config?.cluster?.kubeconfig ?? io.env.KUBECONFIG?.split(path.delimiter)[0] ?? path.join(io.homedir, '.kube', 'config');
    const context = values.context ?? config?.cluster?.context;
    const namespaces = values.namespace ?? config?.cluster?.namespaces;
    const k8sVersion = values.k8sVersion ?? config?.k8sVersion;
    const allowedRegistries = values.allowedRegistries ?? config?.allowedRegistries;
    const estate: EstateConfig = {
      sources,
      registryReports,
      manifests,
      cluster: wantCluster
        ? {
            kubeconfig,
            ...(context !== undefined ? { context } : {}),
            ...(namespaces !== undefined ? { namespaces } : {}),
            inPod: io.env.KUBERNETES_SERVICE_HOST !== undefined,
          }
        : undefined,
      ...(k8sVersion !== undefined ? { k8sVersion } : {}),
      ...(allowedRegistries !== undefined ? { allowedRegistries } : {}),
      gitlab: config?.gitlab,
    };
    const evidence = await collectEstate(estate, { onProgress: progress?.message, readStdin: () => io.readStdin() });
    if (unscannedRegistries.length > 0) evidence.unscannedRegistries = unscannedRegistries;
    if (hostReports.length > 0) evidence.hosts = await Promise.all(hostReports.map(loadHostReport));
    return { config, evidence, map: buildLifecycleMap(evidence, new Date(), { config: config?.file }), collected: estate };
  } finally {
    progress?.finish();
  }
}

/** Scans one registry of `shipshape.yaml` and records the scan in the history. */
async function scanConfiguredRegistry(
  registry: RegistryConfig,
  io: CliIo,
  options: EstateRunOptions,
  progress: ProgressLine | undefined,
): Promise<RegistryScanReport> {
  const { scanConfiguredRegistry: scan, estateHostOf } = await import('../../jobs/registry-scan.js');
  const { ScanHistory } = await import('../../distribute/history.js');
  const cacheDir = defaultCacheDir(io);
  const history = ScanHistory.open(path.join(cacheDir, 'history.sqlite'));
  try {
    const report = await scan(registry, {
      env: io.env,
      homedir: io.homedir,
      cacheDir,
      advisories: options.advisories,
      maxImageAgeDays: options.maxImageAgeDays ?? 180,
      now: new Date(),
      previous: history.previous(estateHostOf(registry), registry.prefix),
      onProgress: progress?.message,
    });
    history.record(report);
    return report;
  } finally {
    history.close();
  }
}
