import type { ContainerFacts, HostContainer } from '../../model.js';
import { capabilityName } from '../oci-spec.js';
import { booleanField, field, recordField, stringField } from './files.js';
import { dockerMounts } from './mounts.js';

/** Most capabilities read from one of CapAdd and CapDrop (Linux has about 41). */
const maxCapabilities = 1000;
/** Go's zero time: how config.v2.json says "never" (`StartedAt` of a container never started). */
const zeroTime = /^0001-01-01T00:00:00(\.0+)?Z$/;

/**
 * A container's facts from moby's `container.Container` (config.v2.json) and its `HostConfig`
 * (hostconfig.json; undefined when absent: then what only it says stays undefined).
 */
export function containerFacts(
  id: string,
  config: Record<string, unknown>,
  hostConfig: Record<string, unknown> | undefined,
): { facts: ContainerFacts; problems: string[] } {
  const settings = recordField(config, 'Config');
  const state = recordField(config, 'State');
  const { mounts, problems } = dockerMounts(field(config, 'MountPoints'), hostConfig);
  const added = capabilities(field(hostConfig, 'CapAdd'), 'CapAdd', problems);
  const dropped = capabilities(field(hostConfig, 'CapDrop'), 'CapDrop', problems);
  const facts: ContainerFacts = {
    id,
    name: (stringField(config, 'Name') ?? id.slice(0, 12)).replace(/^\//, ''),
    engine: 'docker',
    image: { reference: stringField(settings, 'Image'), id: stringField(config, 'Image') },
    created: recordedTime(stringField(config, 'Created')),
    started: recordedTime(stringField(state, 'StartedAt')),
    state: stateString(state),
    // moby always writes it: absent or not a boolean, the file is not Docker's and the answer is unknown
    privileged: booleanField(hostConfig, 'Privileged'),
    user: stringField(settings, 'User'),
    capabilities: hostConfig === undefined ? undefined : { added, dropped },
    mounts,
    networkMode: stringField(hostConfig, 'NetworkMode'),
    readOnlyRootfs: booleanField(hostConfig, 'ReadonlyRootfs'),
    pod: podOf(recordField(settings, 'Labels')),
  };
  return { facts, problems };
}

/** The state as `docker ps` names it (moby `State.StateString`). */
function stateString(state: Record<string, unknown> | undefined): string | undefined {
  if (state === undefined) return undefined;
  if (booleanField(state, 'Running') === true) {
    if (booleanField(state, 'Paused') === true) return 'paused';
    return booleanField(state, 'Restarting') === true ? 'restarting' : 'running';
  }
  if (booleanField(state, 'RemovalInProgress') === true) return 'removing';
  if (booleanField(state, 'Dead') === true) return 'dead';
  return recordedTime(stringField(state, 'StartedAt')) === undefined ? 'created' : 'exited';
}

function recordedTime(time: string | undefined): string | undefined {
  return time === undefined || time === '' || zeroTime.test(time) ? undefined : time;
}

/** Capability names as the model keeps them: upper case, `CAP_` dropped (`cap_sys_admin` → `SYS_ADMIN`; `ALL` stays). */
function capabilities(value: unknown, key: string, problems: string[]): string[] {
  if (!Array.isArray(value)) return [];
  if (value.length > maxCapabilities) problems.push(`hostconfig.json ${key} lists more than ${maxCapabilities} capabilities: the rest not read`);
  const names = new Set<string>();
  for (const name of value.slice(0, maxCapabilities)) {
    if (typeof name === 'string' && name.trim() !== '') names.add(capabilityName(name.trim()));
  }
  return [...names];
}

/** The pod of a container Kubernetes made through dockershim or cri-dockerd, from the labels they set. */
function podOf(labels: Record<string, unknown> | undefined): HostContainer['pod'] {
  const namespace = stringField(labels, 'io.kubernetes.pod.namespace');
  const name = stringField(labels, 'io.kubernetes.pod.name');
  if (namespace === undefined || name === undefined) return undefined;
  return { namespace, name, container: stringField(labels, 'io.kubernetes.container.name') };
}
