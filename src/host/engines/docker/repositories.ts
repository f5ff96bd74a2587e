import type { HostRoot } from '../../root.js';
import { readStateJson, recordField } from './files.js';

/** The graph drivers whose image store (`image/<driver>/`) may be read: the name comes from config.v2.json, so only these build a path. */
const graphDrivers = new Set(['overlay2', 'overlay', 'fuse-overlayfs', 'btrfs', 'zfs', 'vfs', 'devicemapper', 'aufs']);
const digestPattern = /^sha256:[0-9a-f]{64}$/;

/** A `<repository>@sha256:…` reference of repositories.json and the image id it names. */
interface DigestReference {
  repository: string;
  digest: string;
}

/**
 * Manifest digests from Docker's reference store (`image/<driver>/repositories.json`), which keeps
 * `{"Repositories": {"nginx": {"nginx:1.27": "sha256:<id>", "nginx@sha256:<digest>": "sha256:<id>"}}}`
 * with familiar names (`docker.io/library/` dropped). Read once per driver.
 */
export class RepositoryDigests {
  private readonly stores = new Map<string, Promise<Map<string, DigestReference[]>>>();

  constructor(
    private readonly root: HostRoot,
    private readonly dataRoot: string,
    /** Where a repositories.json that cannot be read is said (once). */
    private readonly problems: string[],
  ) {}

  /**
   * The manifest digest of an image id: the one the reference pins, else one of the reference's
   * repository, else any other (the first by name); undefined when the store has none.
   */
  async digestOf(driver: string | undefined, imageId: string | undefined, reference: string | undefined): Promise<string | undefined> {
    if (driver === undefined || imageId === undefined || !graphDrivers.has(driver)) return undefined;
    const candidates = (await this.store(driver)).get(imageId);
    if (candidates === undefined) return undefined;
    const pinned = reference?.includes('@') ? reference.slice(reference.indexOf('@') + 1) : undefined;
    const repository = reference === undefined ? undefined : familiarRepository(reference);
    const rank = (candidate: DigestReference): number => (candidate.digest === pinned ? 0 : candidate.repository === repository ? 1 : 2);
    return candidates.reduce((best, candidate) => (rank(candidate) < rank(best) ? candidate : best)).digest;
  }

  private store(driver: string): Promise<Map<string, DigestReference[]>> {
    let store = this.stores.get(driver);
    if (store === undefined) {
      store = this.load(`${this.dataRoot}/image/${driver}/repositories.json`);
      this.stores.set(driver, store);
    }
    return store;
  }

  private async load(hostPath: string): Promise<Map<string, DigestReference[]>> {
    const byImage = new Map<string, DigestReference[]>();
    const read = await readStateJson(this.root, hostPath);
    if (read === undefined) return byImage;
    if (!('value' in read)) {
      this.problems.push(`${hostPath} ${read.problem}: image digests not read`);
      return byImage;
    }
    const repositories = recordField(read.value, 'Repositories') ?? {};
    // keys sorted, so that "the first by name" is the same on every run
    for (const repository of Object.keys(repositories).sort()) {
      const references = recordField(repositories, repository) ?? {};
      for (const key of Object.keys(references).sort()) {
        const imageId = references[key];
        const digest = key.slice(key.indexOf('@') + 1);
        if (typeof imageId !== 'string' || !key.includes('@') || !digestPattern.test(digest)) continue;
        const list = byImage.get(imageId) ?? [];
        list.push({ repository, digest });
        byImage.set(imageId, list);
      }
    }
    return byImage;
  }
}

/** The familiar repository of a reference as the user gave it: `docker.io/library/nginx:1.27@sha256:…` → `nginx`. */
function familiarRepository(reference: string): string {
  let name = reference.split('@')[0] ?? '';
  const tag = name.lastIndexOf(':');
  if (tag > name.lastIndexOf('/')) name = name.slice(0, tag);
  for (const registry of ['docker.io/', 'index.docker.io/', 'registry-1.docker.io/']) {
    if (name.startsWith(registry)) name = name.slice(registry.length);
  }
  if (name.startsWith('library/') && name.indexOf('/', 'library/'.length) === -1) name = name.slice('library/'.length);
  return name;
}
