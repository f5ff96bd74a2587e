import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, UsageError, messageOf } from '../core/errors.js';
import { defaultLimits } from '../core/limits.js';
import type { StoredScan } from '../distribute/history.js';
import type { RegistryScanReport } from '../distribute/model.js';
import { rewriteRegistry } from '../distribute/registry-alias.js';
import { scanRegistry } from '../distribute/scan.js';
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
  const report = await scanRegistry(registry.registry, registry.prefix, {
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
  });
  return registry.as === undefined ? report : rewriteRegistry(report, registry.registry, registry.as);
}

/** The host the estate knows a configured registry by. */
export function estateHostOf(registry: RegistryConfig): string {
  return registry.as ?? registry.registry;
}

function registryOptionsOf(registry: RegistryConfig, context: RegistryScanContext): RegistryOptions {
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
