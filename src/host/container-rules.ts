import type { RuleMeta } from '../rules/rule.js';
import type { ContainerFacts } from './model.js';

/**
 * Rules on a container as its engine's state on disk describes it (`SS-CTR-NNN`): what it was given
 * of the host when it was started. The compose and workload rules check the same things in files;
 * these check what actually runs.
 */
export interface ContainerRule {
  meta: RuleMeta & { cis: string };
  /** What is wrong with this container, one message per occurrence; empty when nothing. */
  check(container: ContainerFacts): string[];
}

/** Host paths whose mount gives a container the host: its root, its configuration, its devices, kernel interfaces and the engines' state. */
const sensitiveHostPaths = [
  '/',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/proc',
  '/sys',
  '/usr',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/containers',
  '/var/lib/kubelet',
  '/root',
  '/home',
];
/** Sockets of the engines: whoever can write to one runs any container, privileged, on the host. */
const engineSockets = /(^|\/)(docker|containerd|crio|podman|cri-dockerd)\.sock$/;
/** Capabilities that hand over the host or its network (CIS 5.3, Kubernetes baseline's forbidden list). */
const dangerousCapabilities = new Set([
  'ALL',
  'SYS_ADMIN',
  'SYS_MODULE',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_BOOT',
  'NET_ADMIN',
  'DAC_READ_SEARCH',
  'BPF',
  'PERFMON',
  'SYS_TIME',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
]);

export const containerRules: readonly ContainerRule[] = [
  {
    meta: {
      id: 'SS-CTR-001',
      title: 'Privileged container running on the host',
      severity: 'HIGH',
      rationale: 'A privileged container has every capability, every host device and no seccomp or AppArmor confinement: a process in it is root on the host.',
      remediation: 'Recreate the container without --privileged; add only the capabilities and devices it needs.',
      references: ['CIS Docker Benchmark v1.6.0 5.4', 'NIST SP 800-190 4.4.3'],
      cis: '5.4',
    },
    check: (container) => (container.privileged === true ? ['runs privileged'] : []),
  },
  {
    meta: {
      id: 'SS-CTR-002',
      title: "Container engine's socket mounted into a container",
      severity: 'CRITICAL',
      rationale: "A container that can reach the engine's socket can start a privileged container with the host's root mounted: it controls the host.",
      remediation: 'Remove the socket mount; give tools that need the engine API a narrowly scoped proxy or run them outside containers.',
      references: ['CIS Docker Benchmark v1.6.0 5.31', 'NIST SP 800-190 4.4.3'],
      cis: '5.31',
    },
    check: (container) =>
      container.mounts.filter((mount) => engineSockets.test(mount.source)).map((mount) => `mounts the engine socket ${mount.source} at ${mount.destination}`),
  },
  {
    meta: {
      id: 'SS-CTR-003',
      title: "Container shares the host's network namespace",
      severity: 'MEDIUM',
      rationale: "With the host's network the container sees every interface of the host, binds its ports and reaches services listening on loopback.",
      remediation: 'Recreate the container on a bridge or pod network and publish only the ports it serves.',
      references: ['CIS Docker Benchmark v1.6.0 5.9'],
      cis: '5.9',
    },
    check: (container) => (container.networkMode === 'host' ? ["shares the host's network namespace"] : []),
  },
  {
    meta: {
      id: 'SS-CTR-004',
      title: 'Sensitive host directory mounted into a container',
      severity: 'HIGH',
      rationale: "A mount of the host's root, /etc, /dev, /proc, /sys, /boot or an engine's state lets the container read or change the host itself.",
      remediation: 'Mount only the data directories the container needs, read-only where it only reads them.',
      references: ['CIS Docker Benchmark v1.6.0 5.5'],
      cis: '5.5',
    },
    check: (container) =>
      container.mounts
        .filter((mount) => mount.type === 'bind' && sensitiveHostPaths.includes(normalise(mount.source)))
        .map((mount) => `mounts the host's ${normalise(mount.source)} at ${mount.destination}${mount.readOnly ? ' (read-only)' : ' read-write'}`),
  },
  {
    meta: {
      id: 'SS-CTR-005',
      title: 'Container given capabilities that reach the host',
      severity: 'HIGH',
      rationale: 'SYS_ADMIN, SYS_MODULE, SYS_PTRACE, NET_ADMIN and the like let a process escape the container or take over the host network.',
      remediation: 'Drop the added capability; drop ALL and add back only what the process needs.',
      references: ['CIS Docker Benchmark v1.6.0 5.3', 'Kubernetes Pod Security Standards: baseline capabilities'],
      cis: '5.3',
    },
    // a privileged container has them all: SS-CTR-001 says so once
    check: (container) =>
      container.privileged === true
        ? []
        : (container.capabilities?.added ?? []).filter((name) => dangerousCapabilities.has(name)).map((name) => `is given the capability ${name}`),
  },
  {
    meta: {
      id: 'SS-CTR-006',
      title: 'Container runs as root',
      severity: 'MEDIUM',
      rationale:
        'A process running as root in the container is root on the host once it escapes (without user-namespace remapping), and can change every file of its writable layer.',
      remediation: 'Run the container as a non-root user (USER in the Dockerfile, --user, runAsNonRoot), or enable user-namespace remapping on the engine.',
      references: ['CIS Docker Benchmark v1.6.0 4.1'],
      cis: '4.1',
    },
    check: (container) =>
      container.user !== undefined && isRoot(container.user) ? [container.user === '' ? 'runs as root (no user set)' : `runs as ${container.user}`] : [],
  },
];

/** `/var/lib/docker/` and `//etc` as the kernel reads them. */
function normalise(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  return collapsed === '' ? '/' : collapsed;
}

function isRoot(user: string): boolean {
  const name = user.split(':')[0] ?? '';
  return name === '' || name === '0' || name === 'root';
}
