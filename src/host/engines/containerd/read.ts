import type { ContainerLayers, EngineFound, HostContainer } from '../../model.js';
import type { HostRoot } from '../../root.js';
import { CorruptInputError, LimitExceededError, messageOf } from '../../../core/errors.js';
import { escapeControls } from '../../../core/format.js';
import { isRecord } from '../../../core/records.js';
import { readBoltConsistent, type BoltBucket } from '../bolt.js';
import { goTime, protobufAny } from './decode.js';
import { SnapshotChains } from './snapshots.js';
import { parseSpec, type ContainerdSpec } from './spec.js';

/*
 * containerd's state on disk (plugin directories named as in cmd/containerd/server/config):
 * - <root>/io.containerd.metadata.v1.bolt/meta.db: containers, images and snapshot references by
 *   namespace (core/metadata/buckets.go);
 * - <root>/io.containerd.snapshotter.v1.overlayfs/metadata.db and snapshots/<id>/fs: the layers;
 * - <state>/io.containerd.runtime.v2.task/<namespace>/<id>/config.json: the bundle of a running task;
 * - <root>/io.containerd.grpc.v1.cri/containers/<id>/status: CRI's checkpoint of a container's state.
 * Every file may have been written by an attacker: the databases are read page by page within bounds,
 * JSON files are size-bounded, and no path is built from database content except snapshot ids parsed
 * as integers (bundles and statuses are found by listing their directories and matching names).
 */

export interface ContainerdOptions {
  /** containerd's root directory on the host; /var/lib/containerd by default. */
  root?: string;
  /** containerd's state directory on the host; /run/containerd by default. */
  state?: string;
  /** Most containers read, all namespaces together; 10,000 by default. */
  maxContainers?: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** Largest OCI spec read (from the database or a bundle's config.json); real ones are 5-30 KiB. */
const maxSpecBytes = 4 * MiB;
const maxStatusBytes = 64 * KiB;
const maxNamespaces = 1000;
/** Most keys in one container's bucket, and labels in its labels bucket (containerd allows 4 KiB per label). */
const maxContainerKeys = 10_000;
const defaultMaxContainers = 10_000;

const identifier = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;
const digestPattern = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const criMetadataExtension = 'io.cri-containerd.container.metadata';

/** containerd's rule for namespaces and container ids (pkg/identifiers): anything else it never wrote. */
function isIdentifier(name: string): boolean {
  return name.length <= 76 && identifier.test(name);
}

/** A container as its metadata (or its bundle alone) describes it, before the filesystem is looked at. */
interface Found {
  namespace: string;
  id: string;
  labels: Map<string, string>;
  spec: ContainerdSpec | undefined;
  reference?: string | undefined;
  digest?: string | undefined;
  imageId?: string | undefined;
  created?: string | undefined;
  snapshotter?: string | undefined;
  /** The snapshotter's own key of the container's snapshot (`name` in the metadata's snapshot record). */
  backendKey?: string | undefined;
  /** What could not be read of it, though the rest could. */
  issues: string[];
}

interface CriStatus {
  state: 'created' | 'running' | 'exited' | undefined;
  created: string | undefined;
  started: string | undefined;
}

/** containerd's containers from its state on disk; undefined when neither its root nor its state directory exists. */
export async function readContainerdState(root: HostRoot, options: ContainerdOptions = {}): Promise<EngineFound | undefined> {
  const rootDir = options.root ?? '/var/lib/containerd';
  const stateDir = options.state ?? '/run/containerd';
  const maxContainers = options.maxContainers ?? defaultMaxContainers;
  const problems: string[] = [];
  const [hasRoot, hasState] = [await isDirectory(root, rootDir, problems), await isDirectory(root, stateDir, problems)];
  if (!hasRoot && !hasState) return undefined;

  const found = hasRoot ? await readMetadata(root, `${rootDir}/io.containerd.metadata.v1.bolt/meta.db`, maxContainers, problems) : [];
  const bundles = hasState ? await listBundles(root, `${stateDir}/io.containerd.runtime.v2.task`, maxContainers, problems) : undefined;
  const known = new Set(found.map((container) => `${container.namespace}/${container.id}`));
  for (const [key, bundle] of bundles ?? []) {
    if (known.has(key) || found.length >= maxContainers) continue;
    const [namespace, id] = key.split('/') as [string, string];
    const spec = await readBundleSpec(root, bundle, problems, namespace, id);
    if (spec !== undefined)
      found.push({ namespace, id, labels: new Map(), spec, issues: ["not in containerd's metadata database: read from its task bundle alone"] });
  }

  const workloads = found.filter((container) => !isSandbox(container));
  const layers = await overlayLayers(root, rootDir, workloads, problems);
  const statuses = hasRoot ? await listNames(root, `${rootDir}/io.containerd.grpc.v1.cri/containers`, problems) : undefined;
  const containers: HostContainer[] = [];
  for (const container of workloads) {
    const key = `${container.namespace}/${container.id}`;
    const bundle = bundles?.get(key);
    if (container.spec === undefined && bundle !== undefined) container.spec = await readBundleSpec(root, bundle, problems, container.namespace, container.id);
    if (isSandbox(container)) continue;
    const status =
      container.namespace === 'k8s.io' && statuses?.has(container.id)
        ? await readCriStatus(root, `${rootDir}/io.containerd.grpc.v1.cri/containers/${container.id}/status`, container)
        : undefined;
    for (const issue of container.issues) problems.push(problem(container.namespace, container.id, issue));
    containers.push(hostContainer(container, layers.get(key) ?? 'no snapshot recorded for it', bundle !== undefined, bundles !== undefined, status));
  }
  return { kind: 'containerd', stateDir: hasRoot ? rootDir : stateDir, containers, problems: problems.map((text) => escapeControls(text)) };
}

async function isDirectory(root: HostRoot, hostPath: string, problems: string[]): Promise<boolean> {
  try {
    return (await root.stat(hostPath))?.isDirectory() === true;
  } catch (error) {
    problems.push(`containerd ${hostPath}: ${messageOf(error)}`);
    return false;
  }
}

function problem(namespace: string, id: string, message: string): string {
  return `containerd ${namespace}/${id.length > 12 ? `${id.slice(0, 12)}…` : id}: ${message}`;
}

/** CRI's pause containers hold a pod's namespaces and run no workload: they are left out (the pod's settings show on its containers). */
function isSandbox(container: Found): boolean {
  return container.labels.get('io.cri-containerd.kind') === 'sandbox' || container.spec?.annotations.get('io.kubernetes.cri.container-type') === 'sandbox';
}

/** Every namespace's containers from meta.db, read at one transaction. */
async function readMetadata(root: HostRoot, hostPath: string, maxContainers: number, problems: string[]): Promise<Found[]> {
  try {
    const path = await root.resolve(hostPath);
    if (path === undefined) return [];
    const { value, consistent } = await readBoltConsistent(path, (db) => readNamespaces(db, maxContainers));
    if (!consistent)
      value.problems.push(`containerd ${hostPath}: containerd committed changes all the while it was read; some containers may be missing or stale`);
    for (const text of value.problems) problems.push(text);
    return value.found;
  } catch (error) {
    problems.push(`containerd ${hostPath}: ${messageOf(error)}`);
    return [];
  }
}

async function readNamespaces(db: BoltBucket, maxContainers: number): Promise<{ found: Found[]; problems: string[] }> {
  const found: Found[] = [];
  const problems: string[] = [];
  const v1 = await db.bucket('v1');
  if (v1 === undefined) return { found, problems: ['containerd metadata: no v1 bucket (a schema this reader does not know)'] };
  const namespaces = await v1.entries(maxNamespaces);
  if (namespaces.more) problems.push(`containerd metadata: more than ${maxNamespaces} namespaces; the rest were not read`);
  for (const entry of namespaces.entries) {
    const namespace = entry.key.toString('utf8');
    if (entry.bucket === undefined) continue; // `version`, the schema's minor version
    if (!isIdentifier(namespace)) {
      problems.push(`containerd metadata: a namespace named ${JSON.stringify(namespace.slice(0, 80))}, which containerd never writes: not read`);
      continue;
    }
    try {
      const containers = await entry.bucket.bucket('containers');
      if (containers === undefined) continue;
      const listed = await containers.entries(maxContainers - found.length);
      if (listed.more) problems.push(`containerd metadata: more than ${maxContainers} containers; the rest were not read`);
      const images = new ImageDigests(entry.bucket);
      for (const item of listed.entries) {
        const id = item.key.toString('utf8');
        if (!isIdentifier(id) || item.bucket === undefined) {
          problems.push(`containerd ${namespace}: a container record named ${JSON.stringify(id.slice(0, 80))} that containerd never writes: not read`);
          continue;
        }
        try {
          found.push(await readContainer(namespace, id, item.bucket, entry.bucket, images));
        } catch (error) {
          problems.push(problem(namespace, id, messageOf(error)));
        }
      }
      if (listed.more) break;
    } catch (error) {
      problems.push(`containerd namespace ${namespace}: ${messageOf(error)}`);
    }
  }
  return { found, problems };
}

/** A labels bucket as a map, bounded; nested buckets left out. */
async function labelsOf(bucket: BoltBucket | undefined): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  if (bucket === undefined) return labels;
  const { entries, more } = await bucket.entries(maxContainerKeys);
  if (more) throw new LimitExceededError(`more than ${maxContainerKeys} labels`);
  for (const entry of entries) if (entry.bucket === undefined) labels.set(entry.key.toString('utf8'), entry.value.toString('utf8'));
  return labels;
}

/** One container record (core/metadata/containers.go readContainer). */
async function readContainer(namespace: string, id: string, bucket: BoltBucket, namespaceBucket: BoltBucket, images: ImageDigests): Promise<Found> {
  const { entries, more } = await bucket.entries(maxContainerKeys);
  if (more) throw new LimitExceededError(`more than ${maxContainerKeys} keys in its record`);
  const fields = new Map(entries.map((entry) => [entry.key.toString('utf8'), entry]));
  const text = (name: string): string | undefined => {
    const field = fields.get(name);
    return field === undefined || field.bucket !== undefined || field.value.length === 0 ? undefined : field.value.toString('utf8');
  };
  const found: Found = {
    namespace,
    id,
    labels: await labelsOf(fields.get('labels')?.bucket),
    spec: undefined,
    snapshotter: text('snapshotter'),
    issues: [],
  };
  const attempt = <T>(what: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      found.issues.push(`${what}${messageOf(error)}`);
      return undefined;
    }
  };
  const created = fields.get('createdat')?.value;
  if (created !== undefined) found.created = attempt('its creation time: ', () => goTime(created, 'createdat'));
  const spec = fields.get('spec');
  if (spec !== undefined && spec.bucket === undefined) found.spec = attempt('', () => parseSpec(specText(spec.value)));
  if (isSandbox(found)) return found;

  const cri = await criMetadata(fields.get('extensions')?.bucket);
  if (typeof cri === 'string') found.issues.push(cri);
  const criFields = typeof cri === 'string' ? undefined : cri;
  found.reference = found.spec?.annotations.get('io.kubernetes.cri.image-name') ?? text('image') ?? criFields?.ImageName;
  found.digest = (found.reference === undefined ? undefined : await images.digest(found.reference)) ?? criFields?.ImageDigest;
  found.imageId = criFields?.ImageRef;
  const snapshotKey = text('snapshotKey');
  if (found.snapshotter !== undefined && snapshotKey !== undefined) {
    const snapshot = await (await (await namespaceBucket.bucket('snapshots'))?.bucket(found.snapshotter))?.bucket(snapshotKey);
    const name = await snapshot?.value('name');
    if (name !== undefined && name.length > 0) found.backendKey = name.toString('utf8');
  }
  return found;
}

/** The JSON of a `spec` value: a protobuf Any whose value is the OCI runtime spec. */
function specText(bytes: Buffer): string {
  if (bytes.length > maxSpecBytes) throw new LimitExceededError(`its spec is ${bytes.length} bytes, more than the ${maxSpecBytes}-byte limit`);
  return protobufAny(bytes, 'its spec').value.toString('utf8');
}

/** CRI's own record of the container (an extension: a typeurl Any of JSON, internal/cri/store/container/metadata.go). */
async function criMetadata(extensions: BoltBucket | undefined): Promise<Record<string, string | undefined> | string | undefined> {
  const value = await extensions?.value(criMetadataExtension);
  if (value === undefined) return undefined;
  try {
    if (value.length > maxSpecBytes) throw new LimitExceededError(`${value.length} bytes`);
    const parsed: unknown = JSON.parse(protobufAny(value, 'the extension').value.toString('utf8'));
    const metadata = isRecord(parsed) && isRecord(parsed.Metadata) ? parsed.Metadata : {};
    const field = (name: string): string | undefined => (typeof metadata[name] === 'string' && metadata[name] !== '' ? metadata[name] : undefined);
    return { ImageRef: field('ImageRef'), ImageDigest: field('ImageDigest'), ImageName: field('ImageName') };
  } catch (error) {
    return `its CRI metadata: ${messageOf(error)}`;
  }
}

/** Image name → the digest its target descriptor points at (`v1/<ns>/images/<name>/target/digest`), each looked up once. */
class ImageDigests {
  private readonly known = new Map<string, string | undefined>();

  constructor(private readonly namespace: BoltBucket) {}

  async digest(reference: string): Promise<string | undefined> {
    if (this.known.has(reference)) return this.known.get(reference);
    const image = await (await this.namespace.bucket('images'))?.bucket(reference);
    const digest = (await (await image?.bucket('target'))?.value('digest'))?.toString('utf8');
    const valid = digest !== undefined && digest.length <= 256 && digestPattern.test(digest) ? digest : undefined;
    this.known.set(reference, valid);
    return valid;
  }
}

/** The overlay layers of each container, by `namespace/id`: paths on the host, or why they are unknown. */
async function overlayLayers(root: HostRoot, rootDir: string, containers: Found[], problems: string[]): Promise<Map<string, ContainerLayers | string>> {
  const layers = new Map<string, ContainerLayers | string>();
  const overlay = containers.filter((container) => container.snapshotter === 'overlayfs' && container.backendKey !== undefined);
  for (const container of containers) {
    const key = `${container.namespace}/${container.id}`;
    if (container.snapshotter === undefined) layers.set(key, 'no snapshotter recorded for it');
    else if (container.snapshotter !== 'overlayfs') layers.set(key, `its snapshotter is ${JSON.stringify(container.snapshotter.slice(0, 80))}, not overlayfs`);
    else if (container.backendKey === undefined) layers.set(key, "its snapshot is not in containerd's metadata");
  }
  if (overlay.length === 0) return layers;
  const snapshotterDir = `${rootDir}/io.containerd.snapshotter.v1.overlayfs`;
  const dbPath = `${snapshotterDir}/metadata.db`;
  let chains: Map<string, number[] | string>;
  try {
    const path = await root.resolve(dbPath);
    if (path === undefined) {
      for (const container of overlay) layers.set(`${container.namespace}/${container.id}`, `no overlayfs snapshotter database (${dbPath})`);
      return layers;
    }
    const { value, consistent } = await readBoltConsistent(path, async (db) => {
      const snapshots = await (await db.bucket('v1'))?.bucket('snapshots');
      const result = new Map<string, number[] | string>();
      const reader = snapshots === undefined ? undefined : new SnapshotChains(snapshots);
      for (const container of overlay) {
        const backendKey = container.backendKey as string;
        if (result.has(backendKey)) continue;
        try {
          result.set(backendKey, reader === undefined ? 'the overlayfs snapshotter database has no v1/snapshots bucket' : await reader.chain(backendKey));
        } catch (error) {
          // A page of the database out of its bounds or corrupt is that snapshot's problem, not every container's.
          if (!(error instanceof CorruptInputError || error instanceof LimitExceededError)) throw error;
          result.set(backendKey, messageOf(error));
        }
      }
      return result;
    });
    if (!consistent) problems.push(`containerd ${dbPath}: the snapshotter committed changes all the while it was read; some layers may be stale`);
    chains = value;
  } catch (error) {
    problems.push(`containerd ${dbPath}: ${messageOf(error)}`);
    for (const container of overlay)
      layers.set(`${container.namespace}/${container.id}`, `the overlayfs snapshotter database could not be read: ${messageOf(error)}`);
    return layers;
  }
  const directories = new SnapshotDirectories(root, `${snapshotterDir}/snapshots`);
  for (const container of overlay) {
    const chain = chains.get(container.backendKey as string) ?? 'not read';
    layers.set(`${container.namespace}/${container.id}`, typeof chain === 'string' ? chain : await directories.layers(chain));
  }
  return layers;
}

/** `snapshots/<id>/fs` of each snapshot id, checked to be a directory once. */
class SnapshotDirectories {
  private readonly present = new Map<number, boolean>();

  constructor(
    private readonly root: HostRoot,
    private readonly dir: string,
  ) {}

  /** The chain (top → bottom) as overlay layers: the top is the writable upper, the rest the image's lower layers, bottom → top. */
  async layers(chain: number[]): Promise<ContainerLayers | string> {
    for (const id of chain) {
      if (!(await this.exists(id))) return `the snapshot directory ${this.fs(id)} is missing`;
    }
    const [upper, ...lower] = chain.map((id) => this.fs(id));
    return { kind: 'overlay', lower: lower.reverse(), upper: upper as string };
  }

  private fs(id: number): string {
    // `id` is an integer parsed from the database: the only database content a path is built from.
    return `${this.dir}/${Math.trunc(id)}/fs`;
  }

  private async exists(id: number): Promise<boolean> {
    let present = this.present.get(id);
    if (present === undefined) {
      present = await this.root.stat(this.fs(id)).then(
        (info) => info?.isDirectory() === true,
        () => false,
      );
      this.present.set(id, present);
    }
    return present;
  }
}

/** A directory's names (undefined when it does not exist); a failure is a problem. */
async function listNames(root: HostRoot, hostPath: string, problems: string[], max?: number): Promise<Set<string> | undefined> {
  try {
    const names = await root.list(hostPath, max);
    return names === undefined ? undefined : new Set(names);
  } catch (error) {
    problems.push(`containerd ${hostPath}: ${messageOf(error)}`);
    return undefined;
  }
}

/** The task bundles (`<namespace>/<id>` → host path of the bundle directory), found by listing; undefined when there is no task directory. */
async function listBundles(root: HostRoot, taskDir: string, maxContainers: number, problems: string[]): Promise<Map<string, string> | undefined> {
  const namespaces = await listNames(root, taskDir, problems, maxNamespaces);
  if (namespaces === undefined) return undefined;
  const bundles = new Map<string, string>();
  for (const namespace of namespaces) {
    if (!isIdentifier(namespace)) continue;
    for (const id of (await listNames(root, `${taskDir}/${namespace}`, problems, maxContainers)) ?? []) {
      if (isIdentifier(id)) bundles.set(`${namespace}/${id}`, `${taskDir}/${namespace}/${id}`);
    }
  }
  return bundles;
}

async function readBundleSpec(root: HostRoot, bundle: string, problems: string[], namespace: string, id: string): Promise<ContainerdSpec | undefined> {
  try {
    const file = await root.readFile(`${bundle}/config.json`, maxSpecBytes);
    return file === undefined ? undefined : parseSpec(file.content.toString('utf8'));
  } catch (error) {
    problems.push(problem(namespace, id, `its task bundle's config.json: ${messageOf(error)}`));
    return undefined;
  }
}

/** CRI's status checkpoint (internal/cri/store/container/status.go): times in Unix nanoseconds, 0 for not yet. */
async function readCriStatus(root: HostRoot, hostPath: string, container: Found): Promise<CriStatus | undefined> {
  try {
    const file = await root.readFile(hostPath, maxStatusBytes);
    if (file === undefined) return undefined;
    const parsed: unknown = JSON.parse(file.content.toString('utf8'));
    if (!isRecord(parsed) || parsed.Version !== 'v1') throw new CorruptInputError('not a version 1 CRI status');
    const time = (name: string): string | undefined => {
      const value = parsed[name];
      return typeof value === 'number' && value > 0 && value < 8.64e21 ? new Date(value / 1e6).toISOString() : undefined;
    };
    const [created, started, finished] = [time('CreatedAt'), time('StartedAt'), time('FinishedAt')];
    // The order of CRI's own Status.State().
    const state = finished !== undefined ? 'exited' : started !== undefined ? 'running' : created !== undefined ? 'created' : undefined;
    return { state, created, started };
  } catch (error) {
    container.issues.push(`its CRI status: ${messageOf(error)}`);
    return undefined;
  }
}

function hostContainer(
  container: Found,
  layers: ContainerLayers | string,
  hasBundle: boolean,
  bundlesListed: boolean,
  status: CriStatus | undefined,
): HostContainer {
  const { spec, labels } = container;
  const annotations = spec?.annotations ?? new Map<string, string>();
  const namespace = annotations.get('io.kubernetes.cri.sandbox-namespace') ?? labels.get('io.kubernetes.pod.namespace');
  const podName = annotations.get('io.kubernetes.cri.sandbox-name') ?? labels.get('io.kubernetes.pod.name');
  const name = annotations.get('io.kubernetes.cri.container-name') ?? labels.get('io.kubernetes.container.name');
  // A task bundle exists while the task does. Without one, CRI's "running" is stale (the host was
  // stopped uncleanly) when the bundles could be listed, and all there is when /run was not captured.
  const state = hasBundle ? 'running' : status?.state === 'running' && bundlesListed ? 'unknown' : status?.state;
  return {
    id: container.id,
    name: name ?? container.id,
    engine: 'containerd',
    image: { reference: container.reference ?? annotations.get('io.kubernetes.cri.image-name'), digest: container.digest, id: container.imageId },
    created: container.created ?? status?.created,
    started: status?.started,
    state,
    privileged: spec?.privileged,
    user: spec?.user,
    capabilities: spec?.capabilities,
    mounts: spec?.mounts ?? [],
    networkMode: spec?.networkMode,
    readOnlyRootfs: spec?.readOnlyRootfs,
    pod: namespace !== undefined && podName !== undefined ? { namespace, name: podName, container: name } : undefined,
    layers,
  };
}
