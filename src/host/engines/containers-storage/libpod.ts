import { messageOf } from '../../../core/errors.js';
import type { HostRoot } from '../../root.js';
import { readBoltConsistent, type BoltBucket } from '../bolt.js';
import { record } from '../oci-spec.js';

/** What Podman's own database says of a container: its config (with the OCI spec it was created with) and its state. */
export interface LibpodContainer {
  config: Record<string, unknown>;
  state: Record<string, unknown>;
}

const maxContainers = 10_000;
const maxValueBytes = 4 * 1024 * 1024;

/** libpod's `define.ContainerStatus` numbers, as `podman ps` and its API name them (configured shows as created). */
const states = ['unknown', 'created', 'created', 'running', 'stopped', 'paused', 'exited', 'removing', 'stopping'];

/**
 * Podman's state database (`<graphroot>/libpod/bolt_state.db`, BoltDB): bucket `ctr` → container id →
 * `config` (libpod's ContainerConfig as JSON: the OCI spec, `privileged`, names) and `state`
 * (ContainerState as JSON: `state`, `startedTime`). Read-only, bounded; undefined when there is none.
 * (Podman 4.8+ may keep the same JSON in SQLite, `db.sql`: not read yet — its containers then fall
 * back to their runtime spec in `userdata/config.json`, when they have run.)
 */
export async function readLibpodState(root: HostRoot, graphRoot: string, problems: string[]): Promise<Map<string, LibpodContainer> | undefined> {
  const file = await root.resolve(`${graphRoot}/libpod/bolt_state.db`);
  if (file === undefined) return undefined;
  try {
    const { value, consistent } = await readBoltConsistent(file, readContainers);
    if (!consistent) problems.push(`${graphRoot}/libpod/bolt_state.db changed while it was read: Podman's container states may be out of date`);
    return value;
  } catch (error) {
    problems.push(`${graphRoot}/libpod/bolt_state.db: ${messageOf(error)} (Podman containers' configuration unknown)`);
    return undefined;
  }
}

async function readContainers(top: BoltBucket): Promise<Map<string, LibpodContainer>> {
  const containers = new Map<string, LibpodContainer>();
  const bucket = await top.bucket('ctr');
  if (bucket === undefined) return containers;
  const { entries } = await bucket.entries(maxContainers);
  for (const entry of entries) {
    if (entry.bucket === undefined) continue;
    containers.set(entry.key.toString('utf8'), { config: await json(entry.bucket, 'config'), state: await json(entry.bucket, 'state') });
  }
  return containers;
}

async function json(bucket: BoltBucket, key: string): Promise<Record<string, unknown>> {
  const value = (await bucket.get(key))?.value;
  if (value === undefined || value.length > maxValueBytes) return {};
  try {
    return record(JSON.parse(value.toString('utf8')));
  } catch {
    return {};
  }
}

/** `3` → `running`; the libpod state number as `podman ps` shows it. */
export function libpodState(state: Record<string, unknown>): string | undefined {
  return typeof state.state === 'number' ? states[state.state] : undefined;
}

/** Go's zero time means "never". */
export function libpodTime(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && !value.startsWith('0001-01-01') ? value : undefined;
}
