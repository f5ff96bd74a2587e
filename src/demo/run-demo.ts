import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultLimits } from '../core/limits.js';
import { writeOutputFile } from '../core/output.js';
import type { RegistryScanReport } from '../distribute/model.js';
import { ScanHistory } from '../distribute/history.js';
import { RegistryPusher } from '../image/registry/push.js';
import { scanRegistry } from '../distribute/scan.js';
import { RegistryClient } from '../image/registry/client.js';
import { collectEstate } from '../lifecycle/collect.js';
import { loadShipshapeConfig } from '../lifecycle/config.js';
import type { EstateEvidence } from '../lifecycle/estate-model.js';
import { buildLifecycleMap } from '../lifecycle/map.js';
import type { LifecycleMap } from '../lifecycle/model.js';
import { assessPosture } from '../lifecycle/posture/assess.js';
import type { PostureReport } from '../lifecycle/posture/model.js';
import { defaultPolicy } from '../lifecycle/posture/policy.js';
import { estateFindings } from '../report/estate-findings.js';
import { renderHtmlReport } from '../report/html/render.js';
import type { ReportInput } from '../report/html/input.js';
import { importOsv } from '../vuln/advisories/import.js';
import { AdvisoryStore } from '../vuln/advisories/store.js';
import { signWithCosign } from './cosign.js';
import { buildEstate } from './estate.js';
import { demoHostName, writeDemoHost } from './demo-host.js';
import { scanHost } from '../host/scan.js';
import { pushEstate } from './push-estate.js';
import { rewriteRegistry } from '../distribute/registry-alias.js';
import { startDemoRegistry } from './registry-server.js';

export interface DemoOptions {
  /** `examples/estate`. */
  estateDir: string;
  /** `examples/advisories`. */
  advisoriesDir: string;
  /** Where the HTML report goes. */
  reportFile: string;
  toolVersion: string;
  now: Date;
  /** A registry to push to and scan instead of the one served in this process (the tests use Debian's docker-registry). */
  registry?: { host: string; plainHttp: boolean } | undefined;
  onProgress?: ((message: string) => void) | undefined;
}

export interface DemoResult {
  reportFile: string;
  evidence: EstateEvidence;
  map: LifecycleMap;
  posture: PostureReport;
  input: ReportInput;
  /** Images built, tags pushed, advisories imported. */
  counts: { images: number; tags: number; advisories: number };
}

/** The registry the estate's pipelines push to and its manifests pull from. */
export const estateRegistry = 'registry.shop.internal';
/** The repository whose pipeline signs what it pushes. */
export const signedRepository = 'shop/payments-api';

/** Signs every tag of the repository, as `cosign sign --key` in its pipeline does. */
export async function signAsThePipelineDoes(registry: { host: string; plainHttp: boolean }, repository: string, privateKey: KeyObject): Promise<void> {
  const pusher = new RegistryPusher({ registry: registry.host, plainHttp: registry.plainHttp });
  const client = new RegistryClient(registry.host, { plainHttp: registry.plainHttp });
  try {
    for (const tag of await client.listTags(repository)) {
      const { digest } = await client.getManifest(repository, tag);
      await signWithCosign(pusher, repository, digest, `${estateRegistry}/${repository}`, privateKey);
    }
  } finally {
    await Promise.all([pusher.close(), client.close()]);
  }
}

/**
 * The whole lifecycle on the example estate, offline: build its images with the project's image
 * builder, push them to a registry served in this process, import the bundled advisories, scan the
 * registry, read the sources and manifests, scan a CI host running two of the images (laid out as
 * Docker keeps it: demo-host.ts), map, assess, and write the HTML report. Everything
 * temporary lives in one temp directory, removed at the end.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const progress = options.onProgress ?? ((): void => undefined);
  const work = await mkdtemp(path.join(tmpdir(), 'shipshape-demo-'));
  const served = options.registry ? undefined : await startDemoRegistry();
  const registry = options.registry ?? { host: served?.host ?? '', plainHttp: true };
  const store = AdvisoryStore.open(path.join(work, 'osv.sqlite'), { create: true });
  try {
    progress('building the estate images');
    const estate = await buildEstate(options.estateDir);
    progress('importing the bundled advisories');
    const imported = await importOsv(store, [options.advisoriesDir], { now: options.now });
    // as it happened: everything but the last build is pushed and scanned, then the last build moves
    // its tag (inventory-service:2.3.1) and the registry is scanned again, against the first scan
    const history = ScanHistory.open(path.join(work, 'history.sqlite'));
    // payments-api's Jenkinsfile runs `cosign sign` after its push: a key made for this run stands in for the team's
    const signer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const scan = (now: Date): Promise<RegistryScanReport> =>
      scanRegistry(registry.host, undefined, {
        registryOptions: { plainHttp: registry.plainHttp },
        limits: defaultLimits,
        cacheDir: path.join(work, 'cache'),
        now,
        parallel: 4,
        keys: [signer.publicKey],
        advisories: store,
        secrets: true,
        readLayers: true,
        previous: history.previous(registry.host, undefined),
        maxImageAgeDays: defaultPolicy.maxImageAgeDays,
        onProgress: (event) => progress(event.kind === 'image' ? `scanning images ${event.done}/${event.total}` : `${event.count} repositories`),
      });
    let scanned: RegistryScanReport;
    let pushed: number;
    try {
      const last = estate.images.length - 1;
      progress(`pushing ${last} images to the registry ${registry.host}`);
      pushed = (
        await pushEstate({ ...estate, images: estate.images.slice(0, last) }, { registry: registry.host, plainHttp: registry.plainHttp }, estateRegistry)
      ).length;
      progress(`scanning the registry ${estateRegistry} (served on ${registry.host})`);
      history.record(await scan(new Date(options.now.getTime() - 24 * 3600 * 1000)));
      pushed += (await pushEstate({ ...estate, images: estate.images.slice(last) }, { registry: registry.host, plainHttp: registry.plainHttp }, estateRegistry))
        .length;
      await signAsThePipelineDoes(registry, signedRepository, signer.privateKey);
      progress(`scanning the registry ${estateRegistry} again`);
      scanned = await scan(options.now);
    } finally {
      history.close();
    }
    const report: RegistryScanReport = rewriteRegistry(scanned, registry.host, estateRegistry);
    progress('reading the sources and manifests, mapping the lifecycle');
    const config = await loadShipshapeConfig(path.join(options.estateDir, 'shipshape.yaml'));
    const evidence = await collectEstate({
      sources: config.sources,
      registryReports: [report],
      manifests: config.manifests,
      gitlab: config.gitlab,
      ...(config.allowedRegistries ? { allowedRegistries: config.allowedRegistries } : {}),
    });
    progress(`scanning the host ${demoHostName} (its containers run images the estate built)`);
    const hostRoot = path.join(work, 'host');
    await writeDemoHost(hostRoot, estate.images, options.now);
    evidence.hosts = [await scanHost({ root: hostRoot, limits: defaultLimits })];
    const map = buildLifecycleMap(evidence, options.now, { config: config.file });
    progress('assessing the posture');
    const posture = assessPosture(evidence, map, {
      policy: { ...defaultPolicy, allowedRegistries: config.allowedRegistries ?? [] },
      now: options.now,
      advisories: store,
    });
    const input: ReportInput = {
      title: 'Shipshape posture report — example estate (shop)',
      generatedAt: options.now.toISOString(),
      toolVersion: options.toolVersion,
      map,
      posture,
      findings: estateFindings(evidence, map),
    };
    await writeOutputFile(options.reportFile, await renderHtmlReport(input));
    return {
      reportFile: options.reportFile,
      evidence,
      map,
      posture,
      input,
      counts: { images: estate.images.length, tags: pushed, advisories: imported.records },
    };
  } finally {
    store.close();
    await served?.close();
    await rm(work, { recursive: true, force: true });
  }
}
