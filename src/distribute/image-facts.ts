import type { Limits } from '../core/limits.js';
import { Diagnostics } from '../core/diagnostics.js';
import { messageOf } from '../core/errors.js';
import { formatPlatform } from '../image/platform.js';
import { visitorsKey, type LayerFileVisitor } from '../image/layer/visitor.js';
import { FleetLayerCache, type FleetLayerStore } from '../image/fleet-layers.js';
import { readImage, type SharedLayerScans } from '../image/read-image.js';
import type { RegistryClient } from '../image/registry/client.js';
import { openRegistryImage } from '../image/registry/image-source.js';
import type { RegistryOptions } from '../image/registry/options.js';
import { analyzers } from '../inventory/analyzers/registry.js';
import { endOfLife } from '../inventory/distros/eol.js';
import { displayConfig, maskSecretsIn, secretFindings, secretVisitor } from '../secrets/index.js';
import type { AdvisoryLookup } from '../vuln/match/matcher.js';
import { scanImage } from '../vuln/scan.js';
import type { Inventory } from '../inventory/inventory.js';
import { vulnerabilityFacts } from './vulnerability-facts.js';
import type { ImageConfig } from '../image/schema.js';
import type { PlatformImage, UnreadItem } from './model.js';

export interface ImageFactsOptions {
  registry: string;
  /** The scan's client of that registry: its connections and tokens serve every image. */
  client: RegistryClient;
  registryOptions: RegistryOptions;
  limits: Limits;
  cacheDir: string | undefined;
  /** The advisory database; undefined: vulnerabilities are not counted. */
  advisories: AdvisoryLookup | undefined;
  secrets: boolean;
  /** false: only the manifest and config are read (no OS, vulnerabilities or secrets). */
  readLayers: boolean;
  shared: SharedLayerScans;
  now: Date;
  /** Layers of one image read at once. */
  layerParallel: number;
  signal?: AbortSignal | undefined;
  /** Layer scans shared by the fleet's workers (the server's store); undefined: this process only. */
  fleetLayers?: FleetLayerStore | undefined;
  /** Told of each platform image's inventory as read (the server keeps it to match new advisories without reading the image again). */
  onInventory?: ((digest: string, inventory: Inventory) => void) | undefined;
}

/** What reading one platform image told: its facts, the problems met, and why it could not be read if so. */
export interface PlatformRead {
  facts: PlatformImage;
  diagnostics: string[];
  unread?: UnreadItem | undefined;
  /** The blob digests of its layers (to count distinct layers across a fleet's reads). */
  layers?: string[] | undefined;
}

const dayMs = 24 * 3600 * 1000;
const baseNameKeys = ['org.opencontainers.image.base.name'];
const baseDigestKeys = ['org.opencontainers.image.base.digest'];
const sourceKeys = ['org.opencontainers.image.source'];
const revisionKeys = ['org.opencontainers.image.revision'];

/**
 * Reads one platform image of a registry completely (layers through the layer cache and the run's
 * shared layer scans) and sums up what the distribute phase wants to know: age, OS and its end of
 * life, vulnerability counts, secrets, root user, parent and source annotations. An image that cannot
 * be read (a blob that fails verification, a bad config) has unknown facts and says why in `unread`.
 */
export async function platformImageFacts(repository: string, digest: string, platform: string, options: ImageFactsOptions): Promise<PlatformRead> {
  const visitors: LayerFileVisitor[] = [...analyzers];
  if (options.secrets) visitors.push(secretVisitor({}));
  const source = openRegistryImage({ registry: options.registry, repository, tag: undefined, digest }, options.registryOptions, options.client);
  const diagnostics = new Diagnostics();
  try {
    if (!options.readLayers) {
      const image = await source.resolve({}, { limits: options.limits, diagnostics, signal: options.signal });
      return { facts: configFacts(platform, digest, displayConfig(image.config), image.manifest?.annotations, options.now), diagnostics: [] };
    }
    const model = await readImage(source, {
      selection: {},
      limits: options.limits,
      cacheDir: options.cacheDir,
      visitors,
      parallel: options.layerParallel,
      signal: options.signal,
      diagnostics,
      sharedLayers: options.shared,
      fleetLayers: options.fleetLayers && new FleetLayerCache(options.fleetLayers, diagnostics, visitorsKey(visitors)),
    });
    const result = scanImage(model, options.advisories);
    // the facts quote labels (source, revision): secrets in them masked
    const facts = configFacts(platform, digest, displayConfig(model.image.config), model.image.manifest?.annotations, options.now);
    const os = result.inventory.os;
    if (os) {
      const eolDate = endOfLife(os.distro?.id ?? os.id, os.version);
      facts.os = {
        id: os.distro?.id ?? os.id,
        name: os.name,
        version: os.version,
        eolDate,
        endOfLife: eolDate === undefined ? undefined : Date.parse(eolDate) < options.now.getTime(),
      };
    }
    if (options.advisories) Object.assign(facts, vulnerabilityFacts(result.findings, result.coverage));
    options.onInventory?.(digest, result.inventory);
    if (options.secrets)
      facts.secrets = secretFindings(model, {}).map((f) => ({ ruleId: f.ruleId, title: f.title, path: f.location.path, layer: f.location.layer?.index }));
    return {
      facts,
      layers: model.layers.map((layer) => layer.blob.digest),
      diagnostics: [...model.diagnostics, ...result.diagnostics].filter((d) => d.level !== 'info').map((d) => `${repository}@${digest}: ${d.message}`),
    };
  } catch (error) {
    return {
      facts: unreadPlatformImage(platform, digest),
      diagnostics: [],
      unread: { where: `${repository}@${digest}`, message: `the image could not be read: ${messageOf(error)}` },
    };
  } finally {
    await source.close();
  }
}

/** What the manifest and config alone tell: age, parent and source annotations, root user. */
function configFacts(platform: string, digest: string, config: ImageConfig, annotations: Record<string, string> | undefined, now: Date): PlatformImage {
  const labels = {
    ...(config.config?.Labels ?? {}),
    ...Object.fromEntries(Object.entries(annotations ?? {}).map(([key, value]) => [key, maskSecretsIn(value)])),
  };
  const created = config.created;
  const user = config.config?.User?.trim() ?? '';
  return {
    ...unreadPlatformImage(platform || formatPlatform(config), digest),
    created,
    ageDays: created && !Number.isNaN(Date.parse(created)) ? Math.floor((now.getTime() - Date.parse(created)) / dayMs) : undefined,
    baseName: first(labels, baseNameKeys),
    baseDigest: first(labels, baseDigestKeys),
    source: first(labels, sourceKeys),
    revision: first(labels, revisionKeys),
    runsAsRoot: user === '' || user === 'root' || user === '0' || user.startsWith('root:') || user.startsWith('0:'),
  };
}

/** A platform image of which nothing is known yet: every fact unread, never a clean one. */
export function unreadPlatformImage(platform: string, digest: string): PlatformImage {
  return {
    platform,
    digest,
    created: undefined,
    ageDays: undefined,
    os: undefined,
    vulnerabilities: undefined,
    fixable: undefined,
    vulnerabilityList: undefined,
    coverage: undefined,
    baseName: undefined,
    baseDigest: undefined,
    source: undefined,
    revision: undefined,
    runsAsRoot: undefined,
    secrets: undefined,
  };
}

function first(values: Record<string, string>, keys: readonly string[]): string | undefined {
  for (const key of keys) if (values[key]) return values[key];
  return undefined;
}
