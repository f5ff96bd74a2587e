import { CorruptInputError, LimitExceededError } from '../../../core/errors.js';
import type { BoltBucket } from '../bolt.js';
import { uvarint } from './decode.js';

/** Most snapshots in one parent chain: an image's layers (overlayfs itself stops near 500 lower directories). */
const maxChain = 1000;

/**
 * Snapshot chains of containerd's overlayfs snapshotter, from its own bbolt database (`metadata.db`,
 * core/snapshots/storage/bolt.go): `v1/snapshots/<backend key>` holds `id` (a uvarint, the name of
 * its directory `snapshots/<id>`) and `parent` (the parent's backend key). Chains of shared image
 * layers are read once.
 */
export class SnapshotChains {
  private readonly known = new Map<string, number[]>();

  constructor(private readonly snapshots: BoltBucket) {}

  /** The snapshot ids of a key and of its parents, top (the key's own) to bottom. */
  async chain(key: string): Promise<number[]> {
    const walked: { key: string; id: number }[] = [];
    const seen = new Set<string>();
    let tail: number[] = [];
    for (let current: string | undefined = key; current !== undefined;) {
      const known = this.known.get(current);
      if (known !== undefined) {
        tail = known;
        break;
      }
      if (seen.has(current)) throw new CorruptInputError(`snapshot ${JSON.stringify(current)} is its own ancestor`);
      if (walked.length + 1 > maxChain) throw new LimitExceededError(`more than ${maxChain} snapshots in one parent chain`);
      seen.add(current);
      const bucket = await this.snapshots.bucket(current);
      if (bucket === undefined) {
        throw new CorruptInputError(
          walked.length === 0 ? "its snapshot is not in the overlayfs snapshotter's database" : `its parent snapshot ${JSON.stringify(current)} is missing`,
        );
      }
      const id = await bucket.value('id');
      if (id === undefined) throw new CorruptInputError(`snapshot ${JSON.stringify(current)} has no id`);
      walked.push({ key: current, id: uvarint(id, `snapshot ${JSON.stringify(current)} id`) });
      const parent = await bucket.value('parent');
      current = parent === undefined || parent.length === 0 ? undefined : parent.toString('utf8');
    }
    for (let index = walked.length - 1; index >= 0; index--) {
      const link = walked[index] as { key: string; id: number };
      tail = [link.id, ...tail];
      this.known.set(link.key, tail);
    }
    return tail;
  }
}
