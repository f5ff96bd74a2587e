import type { ContainerLayers } from '../../model.js';
import type { HostRoot } from '../../root.js';
import { readStateId, type StateRead } from './files.js';

/** Most image layers followed from a container down to its base (Docker's own limit is 127; a longer chain is hostile or corrupt). */
export const maxImageLayers = 256;

// Every id below is checked against these before it becomes part of a host path: the files they come
// from are the attacker's, and a cache-id of `../../etc` must name nothing.
const layerIdPattern = /^[0-9a-f]{64}$/;
const initIdPattern = /^[0-9a-f]{64}-init$/;
const chainIdPattern = /^sha256:[0-9a-f]{64}$/;

/** Why a container's layers were not found; `problem` when that is a fault of the state (a loop, a hostile id), not a file simply absent. */
interface Failure {
  why: string;
  problem: boolean;
}

export interface LayersRead {
  layers: ContainerLayers | string;
  /** Set when the failure is worth a line in `problems` too. */
  problem?: string | undefined;
}

/**
 * The overlay2 layers of Docker containers from the layer database (`image/overlay2/layerdb`): the
 * container's mount (`mounts/<id>/mount-id`, `init-id`, `parent`) and the image's chain of layers
 * (`sha256/<chain id>/cache-id`, `parent`), each cache id naming `overlay2/<cache id>/diff`.
 * Images' chains are walked once for all the containers that share them.
 */
export class Overlay2Layers {
  private readonly chains = new Map<string, Promise<string[] | Failure>>();
  private readonly layerdb: string;

  constructor(
    private readonly root: HostRoot,
    private readonly dataRoot: string,
  ) {
    this.layerdb = `${dataRoot}/image/overlay2/layerdb`;
  }

  async ofContainer(id: string): Promise<LayersRead> {
    const result = await this.read(id);
    if (!('why' in result)) return { layers: result };
    return { layers: result.why, problem: result.problem ? result.why : undefined };
  }

  private async read(id: string): Promise<ContainerLayers | Failure> {
    const mountDir = `${this.layerdb}/mounts/${id}`;
    const mountId = await this.required(`${mountDir}/mount-id`, layerIdPattern, 'a layer id');
    if (typeof mountId !== 'string') return mountId;
    // init-id and parent are written only when there is an init layer and an image layer (moby saveMount)
    const initId = await this.optional(`${mountDir}/init-id`, initIdPattern, 'an init layer id');
    if (typeof initId !== 'string' && initId !== undefined) return initId;
    const parent = await this.optional(`${mountDir}/parent`, chainIdPattern, 'a sha256 chain id');
    if (typeof parent !== 'string' && parent !== undefined) return parent;

    const lower = parent === undefined ? [] : await this.chain(parent);
    if (!Array.isArray(lower)) return lower;
    const own = initId === undefined ? [] : [this.diffDir(initId)];
    const upper = this.diffDir(mountId);
    const missing = await this.firstMissing([...own, upper]);
    if (missing !== undefined) return missing;
    return { kind: 'overlay', lower: [...lower, ...own], upper };
  }

  /** The image's diff directories, bottom first, from its top layer's chain id. */
  private chain(chainId: string): Promise<string[] | Failure> {
    let walk = this.chains.get(chainId);
    if (walk === undefined) {
      walk = this.walk(chainId);
      this.chains.set(chainId, walk);
    }
    return walk;
  }

  private async walk(top: string): Promise<string[] | Failure> {
    const dirs: string[] = [];
    const seen = new Set<string>();
    for (let chainId: string | undefined = top; chainId !== undefined;) {
      if (seen.has(chainId)) return { why: `the layer chain of ${top} loops back to ${chainId}`, problem: true };
      if (seen.size === maxImageLayers) return { why: `the layer chain of ${top} has more than ${maxImageLayers} layers`, problem: true };
      seen.add(chainId);
      const layerDir = `${this.layerdb}/sha256/${chainId.slice('sha256:'.length)}`;
      const cacheId = await this.required(`${layerDir}/cache-id`, layerIdPattern, 'a layer id');
      if (typeof cacheId !== 'string') return cacheId;
      dirs.push(this.diffDir(cacheId));
      const parent = await this.optional(`${layerDir}/parent`, chainIdPattern, 'a sha256 chain id');
      if (typeof parent !== 'string' && parent !== undefined) return parent;
      chainId = parent;
    }
    dirs.reverse();
    return (await this.firstMissing(dirs)) ?? dirs;
  }

  private diffDir(cacheId: string): string {
    return `${this.dataRoot}/overlay2/${cacheId}/diff`;
  }

  private async required(hostPath: string, pattern: RegExp, what: string): Promise<string | Failure> {
    const read = await this.optional(hostPath, pattern, what);
    return read ?? { why: `${hostPath} is missing`, problem: false };
  }

  private async optional(hostPath: string, pattern: RegExp, what: string): Promise<string | Failure | undefined> {
    return asFailure(hostPath, await readStateId(this.root, hostPath, pattern, what));
  }

  private async firstMissing(dirs: string[]): Promise<Failure | undefined> {
    for (const dir of dirs) {
      const info = await this.root.stat(dir).catch(() => undefined);
      if (info === undefined || !info.isDirectory()) return { why: `layer directory ${dir} is missing`, problem: false };
    }
    return undefined;
  }
}

function asFailure(hostPath: string, read: StateRead<string>): string | Failure | undefined {
  if (read === undefined) return undefined;
  return 'value' in read ? read.value : { why: `${hostPath} ${read.problem}`, problem: true };
}
