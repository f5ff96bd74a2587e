import type { FileEntry } from '../image/layer/entry.js';
import { pushAll } from '../core/collections.js';
import type { FileAnalyzer } from '../inventory/analyzer.js';
import { apkAnalyzer } from '../inventory/analyzers/apk/index.js';
import { dpkgAnalyzer } from '../inventory/analyzers/dpkg/index.js';
import { goBinaryAnalyzer } from '../inventory/analyzers/golang/index.js';
import { osAnalyzer, osFiles } from '../inventory/analyzers/os/index.js';
import { rpmAnalyzer } from '../inventory/analyzers/rpm/index.js';
import type { FoundPackage } from '../inventory/model.js';
import { detectOs } from '../inventory/os.js';
import { messageOf } from '../core/errors.js';
import type { EngineKind } from './model.js';
import type { HostRoot } from './root.js';

/** The host's operating system and kernel, as its files say. */
export interface HostSystem {
  os: { id: string; name: string; version: string | undefined; prettyName: string | undefined; evidence: string } | undefined;
  /** The running kernel's release (`6.1.0-28-amd64`), and where it was read. */
  kernel: { release: string; source: string } | undefined;
  hostname: string | undefined;
}

/** An engine's installed version and where it was read; every engine whose package or binary is on the host. */
export interface EngineVersion {
  kind: EngineKind;
  version: string;
  source: string;
}

const maxSmallFile = 64 * 1024;

/** OS release, kernel and host name, from the host's own files; each undefined when its files do not say. */
export async function readSystem(root: HostRoot, problems: string[]): Promise<HostSystem> {
  const facts = new Map<string, Record<string, string>>();
  for (const path of osFiles) {
    const text = await readText(root, path, problems);
    const output = text === undefined ? undefined : osAnalyzer.analyze({ path, entry: fileEntry(path, text.length), content: Buffer.from(text) });
    if (output?.osFacts) facts.set(path, output.osFacts);
  }
  const os = detectOs(facts, false);
  return {
    os: os === undefined ? undefined : { id: os.id, name: os.name, version: os.version, prettyName: os.prettyName, evidence: os.evidence },
    kernel: await kernelOf(root, problems),
    hostname: (await readText(root, '/etc/hostname', problems))?.trim().split('\n')[0] || undefined,
  };
}

/**
 * The kernel: the running one's release when the host's /proc is there (a live host, or a DaemonSet
 * with the host's root mounted); otherwise the newest one installed (`/lib/modules/<release>`), which
 * is what the host boots next — said so in `source`.
 */
async function kernelOf(root: HostRoot, problems: string[]): Promise<HostSystem['kernel']> {
  const running = (await readText(root, '/proc/sys/kernel/osrelease', problems))?.trim();
  if (running) return { release: running, source: '/proc/sys/kernel/osrelease' };
  const installed = ((await root.list('/lib/modules', 1000).catch(() => undefined)) ?? []).filter((name) => /^\d+\.\d+/.test(name));
  const newest = installed.sort(compareReleases).at(-1);
  return newest === undefined ? undefined : { release: newest, source: `/lib/modules (newest installed; the running kernel was not readable)` };
}

function compareReleases(a: string, b: string): number {
  const parts = (text: string): number[] => (text.match(/\d+/g) ?? []).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** The package names each engine ships as, across Debian/Ubuntu, RHEL/Fedora, Alpine and Docker's own repositories. */
const enginePackages: Record<EngineKind, string[]> = {
  docker: ['docker-ce', 'docker.io', 'moby-engine', 'docker-engine', 'docker'],
  containerd: ['containerd.io', 'containerd', 'moby-containerd'],
  'cri-o': ['cri-o'],
  podman: ['podman'],
  buildah: ['buildah'],
};

/** Engine binaries without a package (installed from release tarballs), read for their Go build info. */
const engineBinaries: Record<EngineKind, string[]> = {
  docker: ['/usr/bin/dockerd', '/usr/local/bin/dockerd'],
  containerd: ['/usr/bin/containerd', '/usr/local/bin/containerd'],
  'cri-o': ['/usr/bin/crio', '/usr/local/bin/crio'],
  podman: ['/usr/bin/podman', '/usr/local/bin/podman'],
  buildah: ['/usr/bin/buildah', '/usr/local/bin/buildah'],
};

const packageDatabases: { path: string; analyzer: FileAnalyzer; maxBytes: number }[] = [
  { path: '/var/lib/dpkg/status', analyzer: dpkgAnalyzer, maxBytes: dpkgAnalyzer.maxBytes },
  { path: '/lib/apk/db/installed', analyzer: apkAnalyzer, maxBytes: apkAnalyzer.maxBytes },
  { path: '/var/lib/rpm/rpmdb.sqlite', analyzer: rpmAnalyzer, maxBytes: rpmAnalyzer.maxBytes },
  { path: '/usr/lib/sysimage/rpm/rpmdb.sqlite', analyzer: rpmAnalyzer, maxBytes: rpmAnalyzer.maxBytes },
  { path: '/var/lib/rpm/Packages', analyzer: rpmAnalyzer, maxBytes: rpmAnalyzer.maxBytes },
];

/**
 * Which engines are installed, with their versions: from the host's package databases (the same
 * analysers as images), else from the Go build info of the engine's binary. Nothing is executed.
 */
export async function readEngineVersions(root: HostRoot, problems: string[]): Promise<EngineVersion[]> {
  const packages: FoundPackage[] = [];
  for (const { path, analyzer, maxBytes } of packageDatabases) {
    try {
      const file = await root.readFile(path, maxBytes);
      if (file === undefined) continue;
      const output = analyzer.analyze({ path, entry: fileEntry(path, file.content.length), content: file.content });
      pushAll(packages, output.packages ?? []);
    } catch (error) {
      problems.push(`${path}: ${messageOf(error)} (engine versions from it are unknown)`);
    }
  }
  const versions: EngineVersion[] = [];
  for (const kind of Object.keys(enginePackages) as EngineKind[]) {
    const pkg = enginePackages[kind].map((name) => packages.find((found) => found.name === name)).find((found) => found !== undefined);
    if (pkg) {
      versions.push({ kind, version: upstreamVersion(pkg.version), source: `${pkg.type} package ${pkg.name} ${pkg.version}` });
      continue;
    }
    const binary = await binaryVersion(root, kind, problems);
    if (binary) versions.push(binary);
  }
  return versions;
}

/** `5:24.0.7-1~debian.12~bookworm` → `24.0.7`; `1.6.20~ds1-1+b1` → `1.6.20`: the release the engine's project numbers. */
function upstreamVersion(packageVersion: string): string {
  const withoutEpoch = packageVersion.replace(/^\d+:/, '');
  return /^\d+(\.\d+)+/.exec(withoutEpoch)?.[0] ?? withoutEpoch;
}

async function binaryVersion(root: HostRoot, kind: EngineKind, problems: string[]): Promise<EngineVersion | undefined> {
  for (const path of engineBinaries[kind]) {
    try {
      const file = await root.readFile(path, goBinaryAnalyzer.maxBytes);
      if (file === undefined) continue;
      const output = goBinaryAnalyzer.analyze({ path, entry: { ...fileEntry(path, file.content.length), mode: 0o755 }, content: file.content });
      const main = output.packages?.find((pkg) => pkg.properties?.main === 'true') ?? output.packages?.[0];
      const version = main?.version?.replace(/^v/, '');
      if (version && /^\d/.test(version)) return { kind, version, source: `Go build info of ${path} (${main?.name})` };
      return { kind, version: 'unknown', source: `${path} (no version in its build info)` };
    } catch (error) {
      problems.push(`${path}: ${messageOf(error)}`);
    }
  }
  return undefined;
}

async function readText(root: HostRoot, path: string, problems: string[]): Promise<string | undefined> {
  try {
    return (await root.readFile(path, maxSmallFile))?.content.toString('utf8');
  } catch (error) {
    problems.push(`${path}: ${messageOf(error)}`);
    return undefined;
  }
}

function fileEntry(path: string, size: number): FileEntry {
  return { path, type: 'file', size, mode: 0o644, uid: 0, gid: 0 };
}
