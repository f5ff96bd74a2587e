import { isRecord } from '../../core/records.js';
import type { DockerdFlag, SettingSource } from './dockerd-flags.js';
import { dockerdEnvironment, dockerdFlags, unitFiles } from './dockerd-flags.js';
import { dropInOrder } from './drop-ins.js';
import { jsonKeyLine } from './lines.js';
import type { HostConfigFile, HostConfigKind } from './rule.js';
import { effectiveList } from './systemd.js';

/** One value of a dockerd option and where it was set. */
export interface DockerdValue {
  /** As daemon.json has it (any JSON), or a flag's text (`true` for a bare boolean flag). */
  value: unknown;
  /** As written (`"icc": true`, `--icc=true`), for messages. */
  written: string;
  from: SettingSource;
}

/** dockerd's options as daemon.json and the unit's command line set them together. */
export interface DockerdSettings {
  /** Where a finding about an option no file sets goes: daemon.json, else docker.service (when it starts dockerd); undefined when there is neither. */
  anchor: string | undefined;
  /** False when daemon.json, a unit or an environment file exists but its content is unknown: an option no file sets may be set there. */
  known: boolean;
  /** A single-valued option (by its daemon.json key): the command line's last value wins over daemon.json. */
  option(key: string): DockerdValue | undefined;
  /** A list option (`hosts`, `insecure-registries`): daemon.json's entries and the command line's, together. */
  list(key: string): DockerdValue[];
  /** docker.socket's `ListenStream=`s: the sockets dockerd is handed with `-H fd://`. */
  socketStreams: { value: string; from: SettingSource }[];
}

/** Flags whose daemon.json key is another name. */
const flagKeys: Readonly<Record<string, string>> = { H: 'hosts', host: 'hosts', 'insecure-registry': 'insecure-registries', l: 'log-level', D: 'debug' };
const listKeys = new Set(['hosts', 'insecure-registries']);
/** Kinds that set dockerd's options. */
const settingKinds: ReadonlySet<HostConfigKind> = new Set(['docker-daemon', 'docker-unit', 'docker-env']);

/**
 * The settings dockerd starts with. dockerd itself refuses an option given both as a flag and in
 * daemon.json; here the flag wins (and list entries add up), so that a unit saying otherwise is never
 * hidden behind a clean daemon.json.
 */
export function dockerdSettings(all: readonly HostConfigFile[]): DockerdSettings {
  const daemon = all.find((file) => file.kind === 'docker-daemon');
  const fromJson = daemonJsonValues(daemon);
  const flags = dockerdFlags(all);
  const fromFlags = new Map<string, DockerdValue[]>();
  for (const flag of flags ?? []) append(fromFlags, flagKeys[flag.name] ?? flag.name, flagValue(flag));
  // dockerd's `--tlsverify` defaults to true when DOCKER_TLS_VERIFY is set in its environment
  const tlsVerifyVariable = dockerdEnvironment(all).get('DOCKER_TLS_VERIFY');
  if (tlsVerifyVariable !== undefined && tlsVerifyVariable.value !== '' && !fromFlags.has('tlsverify') && !fromJson.has('tlsverify')) {
    append(fromFlags, 'tlsverify', { value: true, written: `DOCKER_TLS_VERIFY=${tlsVerifyVariable.value}`, from: tlsVerifyVariable.from });
  }
  return {
    // a unit that starts no dockerd (masked, empty) is no place for "not set"
    anchor: daemon?.path ?? (flags === undefined ? undefined : dropInOrder(all.filter((file) => file.kind === 'docker-unit'))[0]?.path),
    known: !all.some((file) => settingKinds.has(file.kind) && file.unknown !== undefined),
    option: (key) => (fromFlags.get(key) ?? fromJson.get(key))?.at(-1),
    list: (key) => [...(fromJson.get(key) ?? []), ...(fromFlags.get(key) ?? [])],
    socketStreams: effectiveList(unitFiles(all, 'docker-socket-unit'), 'Socket', 'ListenStream').map(({ value, path, line }) => ({
      value,
      from: { path, line },
    })),
  };
}

/** A boolean option's value as dockerd reads it (JSON booleans; flag text as Go's strconv.ParseBool); undefined for anything else. */
export function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  return undefined;
}

function daemonJsonValues(daemon: HostConfigFile | undefined): Map<string, DockerdValue[]> {
  const values = new Map<string, DockerdValue[]>();
  if (daemon === undefined || !isRecord(daemon.parsed)) return values;
  for (const [key, value] of Object.entries(daemon.parsed)) {
    const from = { path: daemon.path, line: jsonKeyLine(daemon.text ?? '', key) };
    if (!listKeys.has(key) || !Array.isArray(value)) append(values, key, { value, written: `${JSON.stringify(key)}: ${JSON.stringify(value)}`, from });
    else for (const entry of value as unknown[]) append(values, key, { value: entry, written: `${JSON.stringify(key)}: [${JSON.stringify(entry)}]`, from });
  }
  return values;
}

function flagValue(flag: DockerdFlag): DockerdValue {
  return { value: flag.value ?? true, written: flag.written, from: flag.from };
}

function append(map: Map<string, DockerdValue[]>, key: string, value: DockerdValue): void {
  const values = map.get(key);
  if (values === undefined) map.set(key, [value]);
  else values.push(value);
}
