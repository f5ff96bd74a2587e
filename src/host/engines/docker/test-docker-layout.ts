import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Test-only: Docker's state directory as the daemon lays it out with the overlay2 driver, written
 * below a directory standing for a host's root, from the documented formats (moby's config.v2.json
 * and hostconfig.json, the reference store's repositories.json, the layer database, overlay2 diff
 * directories). For tests of anything that reads a container host.
 */

export interface DockerLayerSpec {
  /** The overlay2 cache id (default: derived from the layer's files); a value that is not 64 hex goes only into `cache-id`. */
  cacheId?: string;
  /** Files of the layer's diff directory: path inside the container → content. */
  files?: Record<string, string>;
}

export interface DockerContainerSpec {
  /** 64 hex. */
  id: string;
  name?: string;
  /** The reference given to `docker run` (`nginx:1.27`). */
  image?: string;
  /** The image id, 64 hex without `sha256:` (default: the digest of the image config written). */
  imageId?: string;
  /** The manifest digest (`sha256:…`) recorded in repositories.json for the image's repository. */
  manifestDigest?: string;
  state?: 'running' | 'exited' | 'created' | 'paused';
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  /** `/host:/ctr[:ro]`; each also becomes a MountPoint, as the daemon records it. */
  binds?: string[];
  /** Named volumes: `{name, destination}`. */
  volumes?: { name: string; destination: string; readOnly?: boolean }[];
  networkMode?: string;
  readOnlyRootfs?: boolean;
  user?: string;
  labels?: Record<string, string>;
  driver?: string;
  /** Image layers, bottom first. */
  layers?: DockerLayerSpec[];
  /** Files of the container's writable layer. */
  upperFiles?: Record<string, string>;
  /** Paths deleted in the writable layer: overlayfs whiteouts (character devices 0/0), made only when running as root. */
  whiteouts?: string[];
  /** Docker's data root as a host path (default /var/lib/docker). */
  dataRoot?: string;
}

export interface WrittenDockerContainer {
  id: string;
  dataRoot: string;
  mountId: string;
  /** Chain ids (`sha256:…`) of the image layers, bottom first. */
  chainIds: string[];
  /** Host paths, as a reader returns them. */
  lower: string[];
  upper: string;
  /** Whether the whiteouts were made (mknod needs root). */
  whiteoutsWritten: boolean;
}

const zeroTime = '0001-01-01T00:00:00Z';
const created = '2025-03-01T10:00:00.123456789Z';
const started = '2025-03-01T10:00:01.5Z';

/** Writes one container (its image's layers and reference too) below `root`, the directory standing for `/`. */
export function writeDockerContainer(root: string, spec: DockerContainerSpec): WrittenDockerContainer {
  const dataRoot = spec.dataRoot ?? '/var/lib/docker';
  const { chainIds, lower, diffIds } = writeImageLayers(root, dataRoot, spec.layers ?? []);
  const imageConfig = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { User: spec.user ?? '' }, rootfs: { type: 'layers', diff_ids: diffIds } });
  const imageId = spec.imageId ?? sha256(imageConfig);
  writeHostFile(root, `${dataRoot}/image/overlay2/imagedb/content/sha256/${imageId}`, imageConfig);
  if (spec.image !== undefined) {
    const repository = spec.image.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
    if (!spec.image.includes('@')) addRepositoryReference(root, spec.image, `sha256:${imageId}`, dataRoot);
    if (spec.manifestDigest !== undefined) addRepositoryReference(root, `${repository}@${spec.manifestDigest}`, `sha256:${imageId}`, dataRoot);
  }

  const mountId = sha256(`mount ${spec.id}`);
  const mountDir = `${dataRoot}/image/overlay2/layerdb/mounts/${spec.id}`;
  writeHostFile(root, `${mountDir}/mount-id`, mountId);
  writeHostFile(root, `${mountDir}/init-id`, `${mountId}-init`);
  if (chainIds.length > 0) writeHostFile(root, `${mountDir}/parent`, chainIds[chainIds.length - 1] as string);
  const initDiff = `${dataRoot}/overlay2/${mountId}-init/diff`;
  for (const path of ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/.dockerenv']) writeHostFile(root, `${initDiff}${path}`, '');
  const upper = `${dataRoot}/overlay2/${mountId}/diff`;
  mkdirSync(join(root, upper), { recursive: true });
  for (const [path, content] of Object.entries(spec.upperFiles ?? {})) writeHostFile(root, `${upper}/${path}`, content);
  const whiteoutsWritten = process.getuid?.() === 0;
  for (const path of whiteoutsWritten ? (spec.whiteouts ?? []) : []) {
    mkdirSync(dirname(join(root, upper, path)), { recursive: true });
    execFileSync('mknod', [join(root, upper, path), 'c', '0', '0']);
  }

  const containerDir = `${dataRoot}/containers/${spec.id}`;
  writeHostFile(root, `${containerDir}/config.v2.json`, JSON.stringify(containerConfig(spec, imageId)));
  writeHostFile(root, `${containerDir}/hostconfig.json`, JSON.stringify(hostConfig(spec)));
  return { id: spec.id, dataRoot, mountId, chainIds, lower: [...lower, initDiff], upper, whiteoutsWritten };
}

/** Adds `reference` (`nginx:1.27`, `nginx@sha256:…`, familiar form) → image id to the reference store. */
export function addRepositoryReference(root: string, reference: string, imageId: string, dataRoot = '/var/lib/docker'): void {
  const path = join(root, dataRoot, 'image/overlay2/repositories.json');
  const store = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { Repositories: Record<string, Record<string, string>> }) : { Repositories: {} };
  const repository = reference.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
  store.Repositories[repository] = { ...store.Repositories[repository], [reference]: imageId };
  writeHostFile(root, `${dataRoot}/image/overlay2/repositories.json`, JSON.stringify(store));
}

/** Writes a file at a host path below `root`, its directories made. */
export function writeHostFile(root: string, hostPath: string, content: string): void {
  const path = join(root, hostPath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The layer database and diff directories of an image's layers; chain ids as the OCI image spec defines them. */
function writeImageLayers(root: string, dataRoot: string, layers: DockerLayerSpec[]): { chainIds: string[]; lower: string[]; diffIds: string[] } {
  const chainIds: string[] = [];
  const lower: string[] = [];
  const diffIds: string[] = [];
  for (const layer of layers) {
    const diffId = `sha256:${sha256(JSON.stringify(layer.files ?? {}))}`;
    const parent = chainIds[chainIds.length - 1];
    const chainId = parent === undefined ? diffId : `sha256:${sha256(`${parent} ${diffId}`)}`;
    const cacheId = layer.cacheId ?? sha256(`cache ${chainId}`);
    const layerDir = `${dataRoot}/image/overlay2/layerdb/sha256/${chainId.slice('sha256:'.length)}`;
    writeHostFile(root, `${layerDir}/diff`, diffId);
    writeHostFile(root, `${layerDir}/cache-id`, cacheId);
    writeHostFile(root, `${layerDir}/size`, '0');
    if (parent !== undefined) writeHostFile(root, `${layerDir}/parent`, parent);
    const diff = `${dataRoot}/overlay2/${cacheId}/diff`;
    // a hostile cache id stays in its file: the helper must not write outside the state either
    if (/^[0-9a-f]{64}$/.test(cacheId)) {
      mkdirSync(join(root, diff), { recursive: true });
      for (const [path, content] of Object.entries(layer.files ?? {})) writeHostFile(root, `${diff}/${path}`, content);
    }
    chainIds.push(chainId);
    lower.push(diff);
    diffIds.push(diffId);
  }
  return { chainIds, lower, diffIds };
}

function containerConfig(spec: DockerContainerSpec, imageId: string): Record<string, unknown> {
  const state = spec.state ?? 'running';
  const mountPoints: Record<string, unknown> = {};
  for (const bind of spec.binds ?? []) {
    const [source = '', destination = '', options = ''] = bind.split(':');
    mountPoints[destination] = {
      Source: source,
      Destination: destination,
      RW: !options.split(',').includes('ro'),
      Name: '',
      Driver: '',
      Type: 'bind',
      Propagation: 'rprivate',
      Spec: {},
    };
  }
  for (const volume of spec.volumes ?? []) {
    const source = `${spec.dataRoot ?? '/var/lib/docker'}/volumes/${volume.name}/_data`;
    mountPoints[volume.destination] = {
      Source: source,
      Destination: volume.destination,
      RW: volume.readOnly !== true,
      Name: volume.name,
      Driver: 'local',
      Type: 'volume',
      Spec: {},
    };
  }
  return {
    StreamConfig: {},
    State: {
      Running: state === 'running' || state === 'paused',
      Paused: state === 'paused',
      Restarting: false,
      OOMKilled: false,
      RemovalInProgress: false,
      Dead: false,
      Pid: state === 'running' ? 4242 : 0,
      ExitCode: 0,
      Error: '',
      StartedAt: state === 'created' ? zeroTime : started,
      FinishedAt: state === 'exited' ? '2025-03-01T11:00:00Z' : zeroTime,
      Health: null,
    },
    ID: spec.id,
    Created: created,
    Managed: false,
    Path: '/docker-entrypoint.sh',
    Args: [],
    Config: {
      Hostname: spec.id.slice(0, 12),
      User: spec.user ?? '',
      Env: ['PATH=/usr/bin:/bin'],
      Cmd: ['sh'],
      Image: spec.image ?? `sha256:${imageId}`,
      Labels: spec.labels ?? {},
    },
    Image: `sha256:${imageId}`,
    NetworkSettings: { Bridge: '', SandboxID: '' },
    LogPath: `${spec.dataRoot ?? '/var/lib/docker'}/containers/${spec.id}/${spec.id}-json.log`,
    Name: `/${spec.name ?? spec.id.slice(0, 12)}`,
    Driver: spec.driver ?? 'overlay2',
    OS: 'linux',
    RestartCount: 0,
    HasBeenStartedBefore: state !== 'created',
    MountPoints: mountPoints,
    AppArmorProfile: 'docker-default',
  };
}

function hostConfig(spec: DockerContainerSpec): Record<string, unknown> {
  return {
    Binds: spec.binds ?? null,
    NetworkMode: spec.networkMode ?? 'bridge',
    PortBindings: {},
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    CapAdd: spec.capAdd ?? null,
    CapDrop: spec.capDrop ?? null,
    Privileged: spec.privileged ?? false,
    ReadonlyRootfs: spec.readOnlyRootfs ?? false,
    SecurityOpt: null,
    Mounts: spec.volumes?.map((volume) => ({ Type: 'volume', Source: volume.name, Target: volume.destination, ReadOnly: volume.readOnly === true })) ?? null,
  };
}
