import type { HostContainer, HostMount } from '../model.js';

/** The facts of a container that its OCI runtime spec (`config.json`) gives. */
export type SpecFacts = Pick<HostContainer, 'user' | 'capabilities' | 'privileged' | 'mounts' | 'networkMode' | 'readOnlyRootfs'>;

/** Mounts every container has (proc, sysfs, the engine's /dev and /etc/hosts...): not worth showing. */
const runtimeMountTypes = new Set(['proc', 'sysfs', 'tmpfs', 'devpts', 'mqueue', 'cgroup', 'cgroup2', 'shm']);
const maxMounts = 1000;

/**
 * Reads a container's user, capabilities, mounts, network namespace and root filesystem from its OCI
 * runtime spec, untrusted: fields of the wrong type are simply absent. `defaultCapabilities` is the
 * engine's default set (upper case, no `CAP_`), against which added and dropped ones are counted.
 */
export function factsOfSpec(spec: unknown, defaultCapabilities: readonly string[], privilegedAnnotation?: string): SpecFacts {
  const root = record(spec);
  const process = record(root.process);
  const user = record(process.user);
  const linux = record(root.linux);
  const bounding = strings(record(process.capabilities).bounding).map(capabilityName);
  const namespaces = Array.isArray(linux.namespaces) ? linux.namespaces.map(record) : [];
  const network = namespaces.find((namespace) => namespace.type === 'network');
  const annotation = record(root.annotations)[privilegedAnnotation ?? ''];
  const hasCapabilities = Array.isArray(record(process.capabilities).bounding);
  return {
    user:
      typeof user.username === 'string' && user.username !== ''
        ? user.username
        : typeof user.uid === 'number'
          ? `${user.uid}${typeof user.gid === 'number' ? `:${user.gid}` : ''}`
          : undefined,
    capabilities: hasCapabilities
      ? {
          added: bounding.filter((name) => !defaultCapabilities.includes(name)).sort(),
          dropped: defaultCapabilities.filter((name) => !bounding.includes(name)),
        }
      : undefined,
    privileged: typeof annotation === 'string' ? annotation.toUpperCase() === 'TRUE' : hasCapabilities ? looksPrivileged(bounding, linux) : undefined,
    mounts: mountsOf(root.mounts),
    networkMode:
      network === undefined
        ? namespaces.length > 0
          ? 'host'
          : undefined
        : typeof network.path === 'string' && network.path !== ''
          ? `namespace ${network.path}`
          : 'private',
    readOnlyRootfs: typeof record(root.root).readonly === 'boolean' ? (record(root.root).readonly as boolean) : false,
  };
}

/**
 * With no engine annotation to say so, a spec is privileged when it has the capabilities that only a
 * privileged container gets together (SYS_ADMIN and SYS_MODULE) and the kernel paths every unprivileged
 * container has masked are not masked — what `--privileged` does in every engine.
 */
function looksPrivileged(bounding: readonly string[], linux: Record<string, unknown>): boolean {
  const masked = strings(linux.maskedPaths);
  return bounding.includes('SYS_ADMIN') && bounding.includes('SYS_MODULE') && masked.length === 0;
}

function mountsOf(value: unknown): HostMount[] {
  if (!Array.isArray(value)) return [];
  return value
    .slice(0, maxMounts)
    .map(record)
    .filter((mount) => typeof mount.destination === 'string' && !runtimeMountTypes.has(String(mount.type)) && !isEngineFile(mount))
    .map((mount) => {
      const options = strings(mount.options);
      return {
        source: typeof mount.source === 'string' ? mount.source : '',
        destination: mount.destination as string,
        type: options.includes('bind') || options.includes('rbind') ? 'bind' : typeof mount.type === 'string' ? mount.type : 'bind',
        readOnly: options.includes('ro'),
      };
    });
}

/** The files the engine itself binds into every container (`/etc/hosts`, `/etc/resolv.conf`, `/run/.containerenv`...). */
function isEngineFile(mount: Record<string, unknown>): boolean {
  const engineFiles = ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/run/.containerenv', '/dev/shm', '/dev/termination-log'];
  return engineFiles.includes(String(mount.destination)) && typeof mount.source === 'string' && /\/(userdata|containers|pods)\//.test(mount.source);
}

/** `CAP_NET_RAW` → `NET_RAW`. */
export function capabilityName(name: string): string {
  return name.toUpperCase().replace(/^CAP_/, '');
}

export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
