import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { listEntries, scalarText } from '../fields.js';
import { isRecord } from '../../../core/records.js';

/** Container runtime API sockets: whoever can talk to one controls every container on the host. */
const socketNames = new Set(['docker.sock', 'containerd.sock', 'crio.sock', 'podman.sock', 'dockershim.sock', 'cri-dockerd.sock']);
/** Directories that hold those sockets: mounting them mounts the socket. */
const socketDirectories = new Set([
  '/var/run',
  '/run',
  '/var/run/docker',
  '/run/docker',
  '/var/run/containerd',
  '/run/containerd',
  '/var/run/crio',
  '/run/crio',
  '/run/podman',
]);

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-006',
  title: 'Container runtime socket mounted',
  severity: 'CRITICAL',
  rationale:
    'The Docker (containerd, CRI-O, Podman) API socket lets the container start a privileged container that mounts the host root: it is root on the host. Mounting it read-only does not help: API calls still work.',
  remediation:
    "Do not mount the runtime socket. If a tool really needs the API, put a filtering proxy (e.g. a socket proxy that only allows read-only endpoints) in front of it, or use the tool's file/label provider instead.",
  references: ['CIS Docker Benchmark v1.6.0 5.32', 'kube-linter docker-sock', 'Checkov CKV_K8S_27'],
  cis: '5.32',
};

/** SS-CMP-006: a bind mount of a runtime socket, short (`src:dst[:mode]`) or long (`type: bind`) syntax. */
export const runtimeSocket: ComposeRule = {
  meta,
  examples: {
    bad: [
      'services:\n  proxy:\n    image: traefik:v3.1\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n',
      'services:\n  proxy:\n    image: traefik:v3.1\n    volumes:\n      - type: bind\n        source: /run/containerd/containerd.sock\n        target: /run/containerd/containerd.sock\n',
      'services:\n  agent:\n    image: agent:1.0\n    volumes: ["/var/run:/host/var/run"]\n',
    ],
    good: [
      'services:\n  app:\n    image: nginx:1.27\n    volumes:\n      - ./site:/usr/share/nginx/html:ro\n      - data:/var/lib/app\n',
      'services:\n  app:\n    image: nginx:1.27\n    volumes:\n      - type: volume\n        source: docker.sock\n        target: /data\n',
    ],
  },
  check(service, file) {
    return listEntries(service.raw.volumes).flatMap(({ index, value }) => {
      const source = hostSource(value);
      if (source === undefined || !isRuntimeSocket(source)) return [];
      return [findingAt(meta, service, file, ['volumes', index], `mounts the container runtime socket ${JSON.stringify(source)}`)];
    });
  },
};

/** The host path of a bind mount, or undefined for named volumes, tmpfs and anything unreadable. */
export function hostSource(volume: unknown): string | undefined {
  if (isRecord(volume)) {
    if (volume.type !== undefined && volume.type !== 'bind') return undefined;
    return scalarText(volume.source);
  }
  const text = scalarText(volume);
  if (text === undefined) return undefined;
  // Windows drive letters (`C:\…:/x`) are not runtime sockets; the first `:` separates source from target
  const colon = text.indexOf(':');
  if (colon < 0) return undefined; // `/path` alone is an anonymous volume at that container path
  const source = text.slice(0, colon);
  return /^[./~]/.test(source) ? source : undefined; // else a named volume
}

function isRuntimeSocket(source: string): boolean {
  // `//var/run/docker.sock` is how Docker Desktop on Windows writes it; trailing slashes change nothing
  const path = source
    .trim()
    .replace(/\/{2,}/g, '/')
    .replace(/(.)\/+$/, '$1');
  const base = path.slice(path.lastIndexOf('/') + 1);
  return socketNames.has(base) || socketDirectories.has(path) || path === '/./pipe/docker_engine';
}
