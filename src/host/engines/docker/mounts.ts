import { posix } from 'node:path';
import { isRecord } from '../../../core/records.js';
import type { HostMount } from '../../model.js';
import { booleanField, cut, field, stringField } from './files.js';

/** Most mounts read for one container (MountPoints, Binds, Mounts and Tmpfs together); real ones have a few. */
export const maxMounts = 1000;

/**
 * A container's mounts: config.v2.json's `MountPoints` (what the daemon set up: binds, volumes and
 * `--mount`s), then hostconfig.json's `Binds`, `Mounts` and `Tmpfs` for any destination not already
 * there (a container never started, or state written by another version). Sources are kept as data.
 */
export function dockerMounts(mountPoints: unknown, hostConfig: Record<string, unknown> | undefined): { mounts: HostMount[]; problems: string[] } {
  const found: HostMount[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const add = (mount: HostMount): void => {
    // `/data` and `/data/` are one mount point
    const key = posix.normalize(mount.destination).replace(/(.)\/$/, '$1');
    if (seen.has(key)) return;
    seen.add(key);
    found.push(mount);
  };
  const sources: [Iterable<unknown>, (entry: unknown) => HostMount | undefined][] = [
    [isRecord(mountPoints) ? Object.values(mountPoints) : [], mountPoint],
    [arrayField(hostConfig, 'Binds'), bind],
    [arrayField(hostConfig, 'Mounts'), hostMount],
    [tmpfsEntries(field(hostConfig, 'Tmpfs')), tmpfs],
  ];
  let read = 0;
  for (const [entries, parse] of sources) {
    for (const entry of entries) {
      if (++read > maxMounts) {
        problems.push(`more than ${maxMounts} mounts: the rest not read`);
        return { mounts: found, problems };
      }
      const mount = parse(entry);
      if (mount === undefined) problems.push(`a mount is not in a form Docker writes: ${cut(JSON.stringify(entry) ?? String(entry))}`);
      else add(mount);
    }
  }
  return { mounts: found, problems };
}

/** config.v2.json `MountPoints` value: `{Source, Destination, RW, Type, Name}`; `Type` is absent before Docker 1.13. */
function mountPoint(entry: unknown): HostMount | undefined {
  if (!isRecord(entry)) return undefined;
  const destination = stringField(entry, 'Destination');
  if (destination === undefined) return undefined;
  const name = stringField(entry, 'Name') ?? '';
  const type = stringField(entry, 'Type') || (name === '' ? 'bind' : 'volume');
  const source = type === 'volume' && name !== '' ? name : (stringField(entry, 'Source') ?? '');
  return { source, destination, type, readOnly: booleanField(entry, 'RW') === false };
}

/** hostconfig.json `Binds`: `source:destination[:options]`, a source not starting with `/` being a volume's name. */
function bind(entry: unknown): HostMount | undefined {
  if (typeof entry !== 'string') return undefined;
  const [source, destination, options, ...rest] = entry.split(':');
  if (source === undefined || source === '' || destination === undefined || destination === '' || rest.length > 0) return undefined;
  const readOnly = (options ?? '').split(',').includes('ro');
  return { source, destination, type: source.startsWith('/') ? 'bind' : 'volume', readOnly };
}

/** hostconfig.json `Mounts` (`--mount`): `{Type, Source, Target, ReadOnly}`. */
function hostMount(entry: unknown): HostMount | undefined {
  if (!isRecord(entry)) return undefined;
  const destination = stringField(entry, 'Target');
  if (destination === undefined) return undefined;
  return {
    source: stringField(entry, 'Source') ?? '',
    destination,
    type: stringField(entry, 'Type') ?? 'bind',
    readOnly: booleanField(entry, 'ReadOnly') === true,
  };
}

/** hostconfig.json `Tmpfs` (`--tmpfs`): `{"/run": "rw,noexec"}`. */
function tmpfs(entry: unknown): HostMount | undefined {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') return undefined;
  return { source: 'tmpfs', destination: entry[0], type: 'tmpfs', readOnly: entry[1].split(',').includes('ro') };
}

function tmpfsEntries(value: unknown): Iterable<unknown> {
  return isRecord(value) ? Object.entries(value) : [];
}

function arrayField(record: Record<string, unknown> | undefined, key: string): unknown[] {
  const value = field(record, key);
  return Array.isArray(value) ? value : [];
}
