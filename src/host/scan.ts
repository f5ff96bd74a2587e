import { messageOf } from '../core/errors.js';
import { pushAll } from '../core/collections.js';
import type { Limits } from '../core/limits.js';
import type { SeverityLevel } from '../core/severity.js';
import type { LayerScan } from '../image/layer/entry.js';
import type { LayerFileVisitor } from '../image/layer/visitor.js';
import { fingerprintOf } from '../rules/fingerprint.js';
import type { FindingLocation, RuleMeta } from '../rules/rule.js';
import { containerRules } from './container-rules.js';
import { readDrift, type ContainerDrift, type DriftOptions } from './drift.js';
import type { Package } from '../inventory/inventory.js';
import { driftFindings, driftRuleMeta } from './drift-rules.js';
import { readContainerdState } from './engines/containerd/read.js';
import { readContainersStorage } from './engines/containers-storage/read.js';
import { readDockerState } from './engines/docker/read.js';
import { askEngineApi, type EngineApiAnswer } from './engines/engine-api.js';
import type { ContainerFacts, EngineFound, EngineKind, HostContainer } from './model.js';
import { HostRoot } from './root.js';
import { checkHostConfig } from './rules/check.js';
import { collectEngineConfig } from './rules/collect.js';
import { hostRules } from './rules/registry.js';
import { readEngineVersions, readSystem, type HostSystem } from './system.js';

/** One finding of a host scan: a rule, where (the container, a path), what — secrets masked. */
export interface HostFinding {
  ruleId: string;
  title: string;
  severity: SeverityLevel;
  message: string;
  /** The container it is about; none for the host's own configuration. */
  container?: { id: string; name: string } | undefined;
  /** A path on the host (configuration) or in the container (drift). */
  path?: string | undefined;
  location: FindingLocation;
  fingerprint: string;
}

/** An engine as the report shows it. */
interface HostEngine {
  kind: EngineKind;
  version?: string | undefined;
  versionSource?: string | undefined;
  stateDir?: string | undefined;
  containers: number;
}

/** A container as the report shows it: its facts and its drift (or why the drift is unknown). */
export type ScannedContainer = ContainerFacts & { drift: ContainerDrift | undefined; driftUnknown?: string | undefined };

/** Everything `host scan` found: the contract of `shipshape host scan -f json` (schema `shipshape/host-scan@1`). */
export interface HostReport {
  host: HostSystem & {
    /** The directory read as the host's `/`. */
    root: string;
    engines: HostEngine[];
    /** The engine configuration files and sockets read. */
    configFiles: string[];
    /** What could not be read: every such item means part of the host is unknown, not clean. */
    problems: string[];
  };
  containers: ScannedContainer[];
  findings: HostFinding[];
}

export interface HostScanOptions {
  root: string;
  limits: Limits;
  signal?: AbortSignal | undefined;
  onProgress?: ((message: string) => void) | undefined;
  /** Containers read at once (their image layers are shared). */
  parallel?: number | undefined;
  /** The secret scanner for writable layers (with the user's secret configuration). */
  secretVisitor?: LayerFileVisitor | undefined;
  /** Docker's data root when not the default or daemon.json's. */
  dockerRoot?: string | undefined;
  /** Docker Engine API sockets (Docker's, Podman's service) to ask for live container states: only when named. */
  engineSockets?: readonly string[] | undefined;
}

/** Every rule a host scan can report (for SARIF and the rule catalogue). */
export function hostScanRules(): RuleMeta[] {
  return [...hostRules.map((rule) => rule.meta), ...containerRules.map((rule) => rule.meta), ...Object.values(driftRuleMeta)];
}

/**
 * Reads a host from its filesystem: its OS and kernel, the engines installed and their
 * configuration, the containers in the engines' state, and what each container's writable layer
 * changed. Nothing is asked of a daemon and nothing is executed.
 */
export async function scanHost(options: HostScanOptions): Promise<HostReport> {
  const root = new HostRoot(options.root);
  const problems: string[] = [];
  const progress = options.onProgress ?? (() => undefined);
  progress('Reading the host: OS, kernel, engines');
  const system = await readSystem(root, problems);
  const versions = await readEngineVersions(root, problems);
  const config = await collectEngineConfig(root);
  pushAll(problems, config.problems);
  const engines = await readEngines(root, options, problems);
  for (const socket of options.engineSockets ?? []) {
    progress(`Asking the engine API on ${socket}`);
    await askEngineApi(socket).then(
      (answer) => mergeEngineApi(engines, versions, answer),
      (error: unknown) => problems.push(`${messageOf(error)} (its containers' live states are unknown)`),
    );
  }
  const findings: HostFinding[] = checkHostConfig(config.files).map((finding) => ({ ...finding, path: finding.location.file }));

  const containers = engines.flatMap((engine) => engine.containers);
  const imageLayers = new Map<string, Promise<LayerScan>>();
  const imagePackages = new Map<string, Package[]>();
  const scanned: ScannedContainer[] = new Array(containers.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < containers.length) {
      const index = next++;
      const container = containers[index] as HostContainer;
      progress(`Reading container ${index + 1} of ${containers.length}: ${container.name} (${container.engine})`);
      scanned[index] = await scanContainer(root, container, options, { imageLayers, imagePackages });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 2) }, worker));
  for (const container of scanned) pushAll(findings, containerFindings(container));

  return {
    host: {
      ...system,
      root: root.dir,
      engines: engineList(engines, versions),
      configFiles: config.files.map((file) => file.path),
      problems: [...problems, ...engines.flatMap((engine) => engine.problems)],
    },
    containers: scanned,
    findings: findings.sort(
      (a, b) => a.ruleId.localeCompare(b.ruleId) || (a.container?.name ?? '').localeCompare(b.container?.name ?? '') || a.message.localeCompare(b.message),
    ),
  };
}

async function readEngines(root: HostRoot, options: HostScanOptions, problems: string[]): Promise<EngineFound[]> {
  const engines: EngineFound[] = [];
  const attempt = async (what: string, read: () => Promise<EngineFound | EngineFound[] | undefined>): Promise<void> => {
    try {
      const found = await read();
      if (found !== undefined) pushAll(engines, Array.isArray(found) ? found : [found]);
    } catch (error) {
      problems.push(`${what}: ${messageOf(error)} (its containers are unknown)`);
    }
  };
  await attempt('Docker state', () => readDockerState(root, { dataRoot: options.dockerRoot }));
  await attempt('containerd state', () => readContainerdState(root));
  await attempt('containers/storage', async () => {
    const { engines: found, problems: storeProblems } = await readContainersStorage(root);
    pushAll(problems, storeProblems);
    return found;
  });
  // Docker's containers are also containerd's (namespace moby): each is listed once, as Docker's — with
  // containerd's snapshots when Docker keeps its images in containerd (Docker 24+ containerd image store)
  const docker = new Map(
    engines.filter((engine) => engine.kind === 'docker').flatMap((engine) => engine.containers.map((container) => [container.id, container])),
  );
  for (const engine of engines) {
    if (engine.kind !== 'containerd') continue;
    for (const container of engine.containers) {
      const same = docker.get(container.id);
      if (same !== undefined && typeof same.layers === 'string' && typeof container.layers !== 'string') same.layers = container.layers;
    }
    engine.containers = engine.containers.filter((container) => !docker.has(container.id));
  }
  return engines;
}

/**
 * What an engine's API said, over what its state on disk says: the live state of each container, the
 * engine's version when no package gave it, and the containers it runs that its state on disk did not
 * show (their writable layers then unknown: never silently dropped).
 */
function mergeEngineApi(engines: EngineFound[], versions: { kind: EngineKind; version: string; source: string }[], answer: EngineApiAnswer): void {
  if (answer.version !== undefined && !versions.some((v) => v.kind === answer.kind))
    versions.push({ kind: answer.kind, version: answer.version, source: `the engine API on ${answer.socket}` });
  const known = new Map(engines.flatMap((engine) => engine.containers.map((container) => [container.id, container])));
  let engine = engines.find((candidate) => candidate.kind === answer.kind);
  for (const listed of answer.containers) {
    const container = known.get(listed.id);
    if (container !== undefined) {
      container.state = listed.state ?? container.state;
      continue;
    }
    if (engine === undefined) engines.push((engine = { kind: answer.kind, containers: [], problems: [] }));
    engine.containers.push({
      id: listed.id,
      name: listed.name,
      engine: answer.kind,
      image: { reference: listed.image },
      state: listed.state,
      privileged: undefined,
      mounts: [],
      layers: `the engine API on ${answer.socket} lists it, but its state on disk was not found under the root`,
    });
  }
}

/** Engines installed or with state on the host, each once, with its version when known. */
function engineList(engines: readonly EngineFound[], versions: readonly { kind: EngineKind; version: string; source: string }[]): HostEngine[] {
  const kinds = new Set<EngineKind>([...versions.map((v) => v.kind), ...engines.map((e) => e.kind)]);
  return [...kinds].sort().map((kind) => {
    const version = versions.find((v) => v.kind === kind);
    const states = engines.filter((e) => e.kind === kind);
    return {
      kind,
      version: version?.version,
      versionSource: version?.source,
      stateDir: states[0]?.stateDir,
      containers: states.reduce((sum, engine) => sum + engine.containers.length, 0),
    };
  });
}

async function scanContainer(
  root: HostRoot,
  container: HostContainer,
  options: HostScanOptions,
  shared: Pick<DriftOptions, 'imageLayers' | 'imagePackages'>,
): Promise<ScannedContainer> {
  const { layers, ...facts } = container;
  if (typeof layers === 'string') return { ...facts, drift: undefined, driftUnknown: layers };
  try {
    const drift = await readDrift(root, layers, { ...shared, limits: options.limits, signal: options.signal, secretVisitor: options.secretVisitor });
    return { ...facts, drift };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { ...facts, drift: undefined, driftUnknown: messageOf(error) };
  }
}

function containerFindings(container: ScannedContainer): HostFinding[] {
  const about = { id: container.id, name: container.name };
  const finding = (meta: Pick<RuleMeta, 'id' | 'title'>, severity: SeverityLevel, message: string, path?: string): HostFinding => ({
    ruleId: meta.id,
    title: meta.title,
    severity,
    message: `container ${container.name}: ${message}`,
    container: about,
    path,
    location: { path },
    fingerprint: fingerprintOf(meta.id, container.id, path, message),
  });
  const found = containerRules.flatMap((rule) => rule.check(container).map((message) => finding(rule.meta, rule.meta.severity, message)));
  if (container.drift === undefined) {
    const { unread } = driftRuleMeta;
    found.push(finding(unread, unread.severity, `its writable layer was not read: ${container.driftUnknown ?? 'not found'}`));
    return found;
  }
  for (const draft of driftFindings(container.drift)) found.push(finding({ id: draft.ruleId, title: draft.title }, draft.severity, draft.message, draft.path));
  for (const secret of container.drift.secrets) {
    found.push({
      ...secret,
      message: `container ${container.name}: ${secret.message}`,
      container: about,
      path: secret.location.path,
      fingerprint: fingerprintOf(secret.fingerprint, container.id),
    });
  }
  return found;
}
