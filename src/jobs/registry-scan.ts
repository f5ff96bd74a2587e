import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, UsageError, messageOf } from '../core/errors.js';
import { defaultLimits } from '../core/limits.js';
import type { StoredScan } from '../distribute/history.js';
import type { RegistryScanReport } from '../distribute/model.js';
import { rewriteRegistry } from '../distribute/registry-alias.js';
import {
  finishRegistryScan,
  planRegistryScan,
  scanRegistry,
  type PlatformRequest,
  type RegistryScanOptions,
  type RegistryScanPlan,
} from '../distribute/scan.js';
import { platformImageFacts, type ImageFactsOptions, type PlatformRead } from '../distribute/image-facts.js';
import { SharedLayerScans } from '../image/read-image.js';
import { RegistryClient } from '../image/registry/client.js';
import { loadPublicKey } from '../distribute/signatures/index.js';
import type { RegistryOptions } from '../image/registry/options.js';
import type { RegistryConfig } from '../lifecycle/config.js';
import type { AdvisoryLookup } from '../vuln/match/matcher.js';
import type { Inventory } from '../inventory/inventory.js';
import type { FleetLayerStore } from '../image/fleet-layers.js';

/** Where a registry scan of `shipshape.yaml` runs: the environment its credentials come from, the cache, the advisories. */
export interface RegistryScanContext {
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  cacheDir: string;
  advisories: AdvisoryLookup | undefined;
  /** Images older than this are stale (SS-REG-012). */
  maxImageAgeDays: number;
  now: Date;
  /** The previous scan of the same registry and prefix, for what changed. */
  previous: StoredScan | undefined;
  /** Only these repositories (a push event); default: the catalog under the prefix. */
  repositories?: readonly string[] | undefined;
  onProgress?: ((message: string) => void) | undefined;
  /** Told of each platform image's inventory as read. */
  onInventory?: ((digest: string, inventory: Inventory) => void) | undefined;
  /** Layer scans shared with the other workers of a fleet. */
  fleetLayers?: FleetLayerStore | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Scans one registry of `shipshape.yaml` with its TLS, key and credential settings; a registry the
 * estate names by another host (`as:`) is reported under that name, so it joins with the pipelines
 * and workloads. Shared by `posture`/`map` and the server's runs.
 */
export async function scanConfiguredRegistry(registry: RegistryConfig, context: RegistryScanContext): Promise<RegistryScanReport> {
  return aliased(registry, await scanRegistry(registry.registry, registry.prefix, await scanOptionsOf(registry, context)));
}

/** A configured registry's scan up to its images (repositories, tags, manifests, signatures, access). */
export async function planConfiguredRegistry(registry: RegistryConfig, context: RegistryScanContext): Promise<RegistryScanPlan> {
  return planRegistryScan(registry.registry, registry.prefix, await scanOptionsOf(registry, context));
}

/** A configured registry's scan finished from its plan and the platform images read. */
export function finishConfiguredRegistry(
  registry: RegistryConfig,
  plan: RegistryScanPlan,
  reads: ReadonlyMap<string, PlatformRead>,
  context: Pick<RegistryScanContext, 'now' | 'maxImageAgeDays' | 'previous'> & { layers: RegistryScanReport['stats']['layers'] },
): RegistryScanReport {
  return aliased(registry, finishRegistryScan(plan, reads, { ...context, keysGiven: registry.key !== undefined }));
}

/** Where platform images are read: the environment credentials come from, the caches, the advisories. */
export type PlatformReadContext = Pick<RegistryScanContext, 'env' | 'homedir' | 'cacheDir' | 'advisories' | 'now' | 'signal' | 'fleetLayers'>;

/**
 * Reads platform images of a configured registry through one client and one set of shared layer
 * scans, keeping the inventories read until taken; `close()` when done.
 */
export class PlatformReader {
  readonly layers = new SharedLayerScans();
  private inventories = new Map<string, Inventory>();

  private constructor(
    private readonly client: RegistryClient,
    private readonly options: Omit<ImageFactsOptions, 'shared' | 'onInventory'>,
  ) {}

  static async open(registry: RegistryConfig, context: PlatformReadContext): Promise<PlatformReader> {
    const registryOptions = registryOptionsOf(registry, context);
    const client = new RegistryClient(registry.registry, registryOptions);
    return new PlatformReader(client, {
      registry: registry.registry,
      client,
      registryOptions,
      limits: defaultLimits,
      cacheDir: context.cacheDir,
      advisories: context.advisories,
      secrets: true,
      readLayers: true,
      now: context.now,
      layerParallel: 3,
      signal: context.signal,
      fleetLayers: context.fleetLayers,
    });
  }

  read(request: PlatformRequest): Promise<PlatformRead> {
    return platformImageFacts(request.repository, request.digest, request.platform, {
      ...this.options,
      shared: this.layers,
      onInventory: (digest, inventory) => this.inventories.set(digest, inventory),
    });
  }

  /** The inventories read since the last call. */
  takeInventories(): Map<string, Inventory> {
    const taken = this.inventories;
    this.inventories = new Map();
    return taken;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

function aliased(registry: RegistryConfig, report: RegistryScanReport): RegistryScanReport {
  return registry.as === undefined ? report : rewriteRegistry(report, registry.registry, registry.as);
}

async function scanOptionsOf(registry: RegistryConfig, context: RegistryScanContext): Promise<RegistryScanOptions> {
  return {
    registryOptions: registryOptionsOf(registry, context),
    limits: defaultLimits,
    cacheDir: context.cacheDir,
    now: context.now,
    parallel: 4,
    keys: await keysOf(registry),
    advisories: context.advisories,
    secrets: true,
    readLayers: true,
    previous: context.previous,
    maxImageAgeDays: context.maxImageAgeDays,
    repositories: context.repositories,
    signal: context.signal,
    onInventory: context.onInventory,
    fleetLayers: context.fleetLayers,
    onProgress: (event) =>
      context.onProgress?.(
        event.kind === 'repositories' ? `${registry.name}: ${event.count} repositories` : `${registry.name}: images ${event.done}/${event.total}`,
      ),
  };
}

/** The host the estate knows a configured registry by. */
export function estateHostOf(registry: RegistryConfig): string {
  return registry.as ?? registry.registry;
}

export function registryOptionsOf(registry: RegistryConfig, context: Pick<RegistryScanContext, 'env' | 'homedir'>): RegistryOptions {
  const options: RegistryOptions = {
    plainHttp: registry.plainHttp,
    insecure: registry.insecure,
    ...(registry.caFile ? { caFiles: [registry.caFile] } : {}),
    ...(registry.allowRealm.length > 0 ? { allowRealms: registry.allowRealm } : {}),
  };
  const from = registry.credentialsFrom;
  if (from && 'dockerConfig' in from) return { ...options, dockerConfigPath: path.join(from.dockerConfig, 'config.json') };
  options.dockerConfigPath = path.join(context.env.DOCKER_CONFIG ?? path.join(context.homedir, '.docker'), 'config.json');
  if (from === undefined) return options;
  const username = context.env[from.env.username];
  const password = context.env[from.env.password];
  if (username === undefined || password === undefined)
    throw new UsageError(`${registry.name}: the credentials come from $${from.env.username} and $${from.env.password}, which are not both set`);
  return { ...options, username, password };
}

async function keysOf(registry: RegistryConfig): Promise<ReturnType<typeof loadPublicKey>[]> {
  if (!registry.key) return [];
  const key = registry.key;
  const pem = await readFile(key).catch((error: unknown) => {
    throw new NotFoundError(`cannot read the key ${key}: ${messageOf(error)}`);
  });
  return [loadPublicKey(pem, key)];
}
