/**
 * What the host controls know of node software: which OS images are built for containers, and
 * dated tables of supported releases. Tables go stale: each says when it was read, and versions
 * newer than a table are "not known", never assumed supported.
 */

export interface SupportTable {
  /** What the dates come from. */
  source: string;
  /** When the table was read (YYYY-MM-DD). */
  asOf: string;
  /** `major.minor` → end of life (YYYY-MM-DD). */
  endOfLife: Record<string, string>;
}

/** Kubernetes minor releases: kubernetes.io/releases (1.30 through 1.37), read 2026-09-15. */
export const kubernetesReleases: SupportTable = {
  source: 'kubernetes.io/releases',
  asOf: '2026-09-15',
  endOfLife: {
    '1.30': '2025-07-15',
    '1.31': '2025-10-28',
    '1.32': '2026-02-28',
    '1.33': '2026-06-28',
    '1.34': '2026-10-27',
    '1.35': '2027-02-28',
    '1.36': '2027-06-28',
    '1.37': '2027-10-28',
  },
};

/** containerd release branches: containerd RELEASES.md "Current State of containerd Releases" (2.1 and 2.2 tentative), read 2025-05-07. */
export const containerdReleases: SupportTable = {
  source: 'containerd RELEASES.md',
  asOf: '2025-05-07',
  endOfLife: {
    '1.5': '2023-02-28',
    '1.6': '2025-07-23',
    '1.7': '2026-03-10',
    '2.0': '2025-11-07',
    '2.1': '2026-05-05',
    '2.2': '2026-11-06',
  },
};

/** Linux longterm kernels: kernel.org releases page after the March 2026 extensions (end of the month given). */
export const kernelLongterm: SupportTable = {
  source: 'kernel.org/category/releases.html',
  asOf: '2026-03-12',
  endOfLife: {
    '5.4': '2025-12-31',
    '5.10': '2026-12-31',
    '5.15': '2026-12-31',
    '6.1': '2027-12-31',
    '6.6': '2027-12-31',
    '6.12': '2028-12-31',
    '6.18': '2028-12-31',
  },
};

/** General-purpose node OS releases and their end of standard support (vendor lifecycle pages), read 2026-09-15. */
export const nodeOsEndOfLife: readonly { pattern: RegExp; name: string; eol: string }[] = [
  { pattern: /Ubuntu 18\.04/i, name: 'Ubuntu 18.04', eol: '2023-05-31' },
  { pattern: /Ubuntu 20\.04/i, name: 'Ubuntu 20.04', eol: '2025-05-31' },
  { pattern: /Ubuntu 22\.04/i, name: 'Ubuntu 22.04', eol: '2027-06-01' },
  { pattern: /Ubuntu 24\.04/i, name: 'Ubuntu 24.04', eol: '2029-05-31' },
  { pattern: /Debian GNU\/Linux 10/i, name: 'Debian 10', eol: '2024-06-30' },
  { pattern: /Debian GNU\/Linux 11/i, name: 'Debian 11', eol: '2026-08-31' },
  { pattern: /Debian GNU\/Linux 12/i, name: 'Debian 12', eol: '2028-06-30' },
  { pattern: /CentOS Linux 7/i, name: 'CentOS Linux 7', eol: '2024-06-30' },
  { pattern: /CentOS Stream 8/i, name: 'CentOS Stream 8', eol: '2024-05-31' },
  { pattern: /Red Hat Enterprise Linux (Server )?7/i, name: 'RHEL 7', eol: '2024-06-30' },
  { pattern: /Amazon Linux 2(?!\d)/i, name: 'Amazon Linux 2', eol: '2026-06-30' },
];

/** Node OS images built to run containers: minimal, often immutable, updated as a whole. */
export const containerOptimised: readonly { pattern: RegExp; name: string }[] = [
  { pattern: /Bottlerocket/i, name: 'Bottlerocket' },
  { pattern: /Flatcar/i, name: 'Flatcar Container Linux' },
  { pattern: /Container-Optimized OS/i, name: 'Container-Optimized OS' },
  { pattern: /Talos/i, name: 'Talos Linux' },
  { pattern: /Fedora CoreOS/i, name: 'Fedora CoreOS' },
  { pattern: /Red Hat Enterprise Linux CoreOS|RHCOS/i, name: 'RHEL CoreOS' },
  { pattern: /Amazon Linux 2023/i, name: 'Amazon Linux 2023' },
  { pattern: /Azure Linux|CBL-Mariner/i, name: 'Azure Linux' },
  { pattern: /k3OS|Kairos/i, name: 'k3OS / Kairos' },
];

/** A version's `major.minor` and the numeric core, from `v1.29.3-eks-1234`, `1.6.19`, `6.1.119-flatcar`. */
export function versionParts(raw: string): { minor: string; core: string; prerelease: string | undefined; suffix: string } | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-((?:rc|beta|alpha)\.?\d+))?(.*)$/i.exec(raw.trim());
  if (match === null) return undefined;
  const [, major, minor, patch = '0', prerelease, suffix = ''] = match;
  return { minor: `${major}.${minor}`, core: `${major}.${minor}.${patch}`, prerelease, suffix };
}

export function compareMinor(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

/** Whether `minor` is newer than every release the table knows. */
export function newerThanTable(table: SupportTable, minor: string): boolean {
  return Object.keys(table.endOfLife).every((known) => compareMinor(minor, known) > 0);
}

export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A container runtime as the node reports it: `containerd://1.6.19`. */
export interface RuntimeVersion {
  runtime: string;
  version: string;
}

export function parseRuntime(text: string | undefined): RuntimeVersion | undefined {
  const match = text ? /^([a-z0-9-]+):\/\/(.+)$/i.exec(text.trim()) : null;
  return match ? { runtime: (match[1] as string).toLowerCase(), version: match[2] as string } : undefined;
}

/** The Go modules (OSV `Go` ecosystem) whose advisories cover a runtime. */
export function runtimeModules(runtime: string, major: string): string[] {
  switch (runtime) {
    case 'containerd':
      return major === '1' || major === '0' ? ['github.com/containerd/containerd'] : [`github.com/containerd/containerd/v${major}`];
    case 'cri-o':
    case 'crio':
      return ['github.com/cri-o/cri-o'];
    case 'docker':
      return ['github.com/docker/docker', 'github.com/moby/moby'];
    case 'runc':
      return ['github.com/opencontainers/runc'];
    default:
      return [];
  }
}
