import { parse as parseToml } from 'smol-toml';
import { messageOf } from '../../../core/errors.js';
import type { ContainerLayers, EngineFound, EngineKind, HostContainer } from '../../model.js';
import type { HostRoot } from '../../root.js';
import { capabilityName, factsOfSpec, record, strings } from '../oci-spec.js';
import { libpodState, libpodTime, readLibpodState, type LibpodContainer } from './libpod.js';

/**
 * containers/storage — the store Podman, Buildah and CRI-O share (`/var/lib/containers/storage`, or
 * the `graphroot` of `/etc/containers/storage.conf`; rootless stores under each home). Its state is
 * plain JSON: `<driver>-containers/containers.json` lists containers with their image and writable
 * layer, `<driver>-layers/layers.json` chains layers to their parents, `<driver>-images/images.json`
 * names images and their manifest digests. Each container's own directory holds what its engine
 * wrote: Podman and CRI-O the OCI runtime spec (`userdata/config.json`), Buildah `userdata/buildah.json`.
 */

const maxJsonBytes = 64 * 1024 * 1024;
const maxSpecBytes = 4 * 1024 * 1024;
const maxLayerDepth = 256;
const maxHomes = 1000;
const drivers = ['overlay', 'vfs'] as const;
type Driver = (typeof drivers)[number];
const idPattern = /^[0-9a-f]{64}$/;

/** Podman's and CRI-O's default capability sets (containers.conf `default_capabilities`, crio.conf `default_capabilities`). */
const podmanCapabilities = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const crioCapabilities = ['CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'SETGID', 'SETUID', 'SETPCAP', 'NET_BIND_SERVICE', 'KILL'];

export interface StorageOptions {
  /** Stores to read (host paths); by default the configured one, the default one and rootless ones. */
  graphRoots?: readonly string[] | undefined;
  maxContainers?: number | undefined;
}

/** Every containers/storage store on the host, as one engine per kind found (Podman, Buildah, CRI-O). */
export async function readContainersStorage(root: HostRoot, options: StorageOptions = {}): Promise<{ engines: EngineFound[]; problems: string[] }> {
  const found = new Map<EngineKind, EngineFound>();
  const problems: string[] = [];
  const graphRoots = options.graphRoots ?? (await storeRoots(root, problems));
  let budget = options.maxContainers ?? 10_000;
  const libpod = new Map<string, Map<string, LibpodContainer> | undefined>();
  for (const graphRoot of graphRoots) {
    libpod.set(graphRoot, await readLibpodState(root, graphRoot, problems));
    for (const driver of drivers) {
      const store = new Store(root, graphRoot, driver, libpod.get(graphRoot));
      const containers = await store.readJson(`${driver}-containers/containers.json`).catch((error: unknown) => {
        problems.push(`${graphRoot}: ${driver}-containers/containers.json: ${messageOf(error)}`);
        return undefined;
      });
      if (!Array.isArray(containers)) continue;
      if (containers.length > budget) problems.push(`${graphRoot}: ${containers.length} containers, more than the ${budget} still read; the rest are not read`);
      const entries = containers.slice(0, budget);
      budget -= entries.length;
      for (const entry of entries) {
        try {
          const container = await store.container(record(entry));
          const engine = found.get(container.engine) ?? { kind: container.engine, stateDir: graphRoot, containers: [], problems: [] };
          engine.containers.push(container);
          found.set(container.engine, engine);
        } catch (error) {
          problems.push(`${graphRoot}: container ${String(record(entry).id).slice(0, 12)}: ${messageOf(error)}`);
        }
      }
    }
  }
  return { engines: [...found.values()], problems };
}

/** The configured store, the default one, and rootless users' stores — each once. */
async function storeRoots(root: HostRoot, problems: string[]): Promise<string[]> {
  const roots = new Set<string>();
  try {
    const file = await root.readFile('/etc/containers/storage.conf', 1024 * 1024);
    const graphRoot = file === undefined ? undefined : record(record(parseToml(file.content.toString('utf8'))).storage).graphroot;
    if (typeof graphRoot === 'string' && graphRoot.startsWith('/')) roots.add(graphRoot);
  } catch (error) {
    problems.push(`/etc/containers/storage.conf: ${messageOf(error)} (the default store is read)`);
  }
  roots.add('/var/lib/containers/storage');
  roots.add('/root/.local/share/containers/storage');
  for (const home of ((await root.list('/home').catch(() => undefined)) ?? []).slice(0, maxHomes)) roots.add(`/home/${home}/.local/share/containers/storage`);
  return [...roots];
}

class Store {
  private layers: Map<string, { parent?: string | undefined }> | undefined;
  private images: Map<string, { digest?: string | undefined; names: string[] }> | undefined;

  constructor(
    private readonly root: HostRoot,
    private readonly graphRoot: string,
    private readonly driver: Driver,
    private readonly libpod: Map<string, LibpodContainer> | undefined,
  ) {}

  async readJson(relative: string, maxBytes = maxJsonBytes): Promise<unknown> {
    const file = await this.root.readFile(`${this.graphRoot}/${relative}`, maxBytes);
    if (file === undefined) return undefined;
    try {
      return JSON.parse(file.content.toString('utf8')) as unknown;
    } catch (error) {
      throw new Error(`${relative} is not valid JSON (${messageOf(error)})`);
    }
  }

  async container(entry: Record<string, unknown>): Promise<HostContainer> {
    const id = String(entry.id);
    if (!idPattern.test(id)) throw new Error('not a container id');
    const metadata = parseMetadata(entry.metadata);
    const userdata = `${this.driver}-containers/${id}/userdata`;
    const podman = this.libpod?.get(id);
    // the runtime spec of its last start, else the spec Podman created it with
    const spec = (await this.readJson(`${userdata}/config.json`, maxSpecBytes)) ?? podman?.config.spec;
    const buildah = spec === undefined ? record(await this.readJson(`${userdata}/buildah.json`, maxSpecBytes)) : {};
    const annotations = record(record(spec).annotations);
    const engine: EngineKind =
      annotations['io.kubernetes.cri-o.ContainerType'] !== undefined || metadata['pod-name'] !== undefined
        ? 'cri-o'
        : spec === undefined && buildah.type !== undefined
          ? 'buildah'
          : 'podman';
    const imageId = typeof entry.image === 'string' && idPattern.test(entry.image) ? entry.image : undefined;
    const image = imageId === undefined ? undefined : (await this.imageIndex()).get(imageId);
    const facts =
      spec !== undefined
        ? factsOfSpec(spec, engine === 'cri-o' ? crioCapabilities : podmanCapabilities, engine === 'podman' ? 'io.podman.annotations.privileged' : undefined)
        : buildahFacts(buildah);
    if (typeof podman?.config.privileged === 'boolean') facts.privileged = podman.config.privileged;
    const reference = stringOf(metadata['image-name']) ?? stringOf(buildah.image) ?? stringOf(annotations['io.kubernetes.cri-o.ImageName']) ?? image?.names[0];
    const podName = stringOf(annotations['io.kubernetes.pod.name']) ?? stringOf(metadata['pod-name']);
    const podNamespace = stringOf(annotations['io.kubernetes.pod.namespace']) ?? stringOf(metadata['pod-namespace']);
    return {
      id,
      name: strings(entry.names)[0] ?? stringOf(metadata.name) ?? id.slice(0, 12),
      engine,
      image: { reference, digest: image?.digest ?? stringOf(buildah['image-digest']), id: imageId === undefined ? undefined : `sha256:${imageId}` },
      created: stringOf(entry.created),
      started: podman === undefined ? undefined : libpodTime(podman.state.startedTime),
      state: podman === undefined ? undefined : libpodState(podman.state),
      ...facts,
      pod:
        podName !== undefined && podNamespace !== undefined
          ? { namespace: podNamespace, name: podName, container: stringOf(annotations['io.kubernetes.container.name']) }
          : undefined,
      layers: await this.layersOf(String(entry.layer)),
    };
  }

  private async layersOf(layer: string): Promise<ContainerLayers | string> {
    if (!idPattern.test(layer)) return 'its writable layer id is not a layer id';
    const chain = await this.layerChain(layer);
    if (typeof chain === 'string') return chain;
    const [upper, ...lower] = chain;
    const dir = (id: string): string => (this.driver === 'vfs' ? `${this.graphRoot}/vfs/dir/${id}` : `${this.graphRoot}/overlay/${id}/diff`);
    if (this.driver === 'vfs')
      return lower[0] === undefined
        ? 'its writable layer has no image layer below it'
        : { kind: 'full', image: dir(lower[0]), container: dir(upper as string) };
    return { kind: 'overlay', lower: lower.reverse().map(dir), upper: dir(upper as string) };
  }

  /** The layer and its parents, top first; a string says what is missing. */
  private async layerChain(top: string): Promise<string[] | string> {
    const layers = await this.layerIndex();
    const chain: string[] = [];
    for (let id: string | undefined = top; id !== undefined; id = layers.get(id)?.parent) {
      if (!layers.has(id)) return `layer ${id.slice(0, 12)} is not in ${this.driver}-layers/layers.json`;
      if (chain.includes(id) || chain.length >= maxLayerDepth) return `the layers below ${top.slice(0, 12)} loop or go deeper than ${maxLayerDepth}`;
      chain.push(id);
    }
    return chain;
  }

  private async layerIndex(): Promise<Map<string, { parent?: string | undefined }>> {
    if (this.layers) return this.layers;
    this.layers = new Map();
    // container layers may be kept apart, in volatile-layers.json
    for (const file of ['layers.json', 'volatile-layers.json']) {
      const list = await this.readJson(`${this.driver}-layers/${file}`);
      for (const item of Array.isArray(list) ? list.map(record) : []) {
        const id = stringOf(item.id);
        const parent = stringOf(item.parent);
        if (id !== undefined && idPattern.test(id)) this.layers.set(id, { parent: parent !== undefined && idPattern.test(parent) ? parent : undefined });
      }
    }
    return this.layers;
  }

  private async imageIndex(): Promise<Map<string, { digest?: string | undefined; names: string[] }>> {
    if (this.images) return this.images;
    this.images = new Map();
    const list = await this.readJson(`${this.driver}-images/images.json`);
    for (const item of Array.isArray(list) ? list.map(record) : []) {
      const id = stringOf(item.id);
      const digest = stringOf(item.digest);
      if (id !== undefined)
        this.images.set(id, { digest: digest !== undefined && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : undefined, names: strings(item.names) });
    }
    return this.images;
  }
}

/** A Buildah working container: its capabilities and namespaces as `buildah from` set them. */
function buildahFacts(buildah: Record<string, unknown>): Pick<HostContainer, 'privileged' | 'user' | 'capabilities' | 'mounts' | 'networkMode'> {
  const capabilities = strings(buildah.Capabilities).map(capabilityName);
  const network = (Array.isArray(buildah.NamespaceOptions) ? buildah.NamespaceOptions.map(record) : []).find((option) => option.Name === 'network');
  return {
    privileged: undefined,
    user: stringOf(record(record(buildah.ociv1).config).User) ?? '',
    capabilities: Array.isArray(buildah.Capabilities)
      ? {
          added: capabilities.filter((name) => !podmanCapabilities.includes(name)).sort(),
          dropped: podmanCapabilities.filter((name) => !capabilities.includes(name)),
        }
      : undefined,
    mounts: [],
    networkMode: network === undefined ? undefined : network.Host === true ? 'host' : 'private',
  };
}

function parseMetadata(value: unknown): Record<string, unknown> {
  if (typeof value !== 'string') return {};
  try {
    return record(JSON.parse(value));
  } catch {
    return {};
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
