import { posix } from 'node:path';
import type { HostRoot } from '../root.js';
import { criTables, subTable } from './containerd.js';
import { booleanOf, dockerdSettings } from './dockerd.js';
import { dockerdEnvironment, environmentFilePaths } from './dockerd-flags.js';
import { HostReader } from './read.js';
import type { HostConfigFile } from './rule.js';
import { collectUnit } from './units.js';

/** What `collectEngineConfig` read: the files for the rules, and what could not be read (the engine configuration is then partly unknown). */
export interface EngineConfig {
  files: HostConfigFile[];
  /** Plain text, one a problem, each naming its host path; the caller escapes them for its output. */
  problems: string[];
}

/** Engine API sockets at their usual places (dockerd's own `unix://` hosts are added). */
const socketPaths = [
  '/run/docker.sock',
  '/var/run/docker.sock',
  '/run/containerd/containerd.sock',
  '/var/run/containerd/containerd.sock',
  '/run/crio/crio.sock',
  '/var/run/crio/crio.sock',
  '/run/podman/podman.sock',
  '/var/run/podman/podman.sock',
];

/** Directories of engine configuration: whoever can write into them can add a file the engine reads. */
const configDirectories = [
  '/etc/docker',
  '/etc/docker/certs.d',
  '/etc/systemd/system/docker.service.d',
  '/etc/containerd',
  '/etc/containerd/certs.d',
  '/etc/crio',
  '/etc/crio/crio.conf.d',
  '/etc/containers',
  '/etc/containers/registries.conf.d',
];

/** Most containerd `config_path` directories read (it is a `:`-separated list). */
const maxHostsDirectories = 8;

/**
 * Reads the container engines' configuration from a host root: Docker (daemon.json, its systemd
 * units and environment files, TLS files), containerd (config.toml, hosts.toml), CRI-O and
 * containers-registries.conf, the engines' sockets and configuration directories. Bounded (files
 * ≤ 1 MiB, directories ≤ 200 names); never follows a link out of the root, never runs anything.
 */
export async function collectEngineConfig(root: HostRoot): Promise<EngineConfig> {
  const reader = new HostReader(root);
  await collectDocker(reader);
  await collectContainerd(reader);
  await collectDropInConfig(reader, 'crio-config', '/etc/crio/crio.conf');
  await collectDropInConfig(reader, 'registries-conf', '/etc/containers/registries.conf');
  const dockerSockets = dockerdSettings(reader.files)
    .list('hosts')
    .flatMap(({ value }) => (typeof value === 'string' && value.startsWith('unix:///') ? [value.slice('unix://'.length)] : []));
  for (const path of unique([...socketPaths, ...dockerSockets])) await reader.stat('engine-socket', path, (info) => info.isSocket());
  for (const path of configDirectories) await reader.stat('config-dir', path, (info) => info.isDirectory());
  return { files: reader.files, problems: reader.problems };
}

async function collectDocker(reader: HostReader): Promise<void> {
  await collectUnit(reader, 'docker.service', 'docker-unit');
  await collectUnit(reader, 'docker.socket', 'docker-socket-unit');
  const environmentFiles = environmentFilePaths(reader.files).filter((path) => path.startsWith('/'));
  for (const path of unique([...environmentFiles, '/etc/default/docker', '/etc/sysconfig/docker'])) await reader.read('docker-env', path);
  // the unit may point dockerd at another configuration file
  const configFile = dockerdSettings(reader.files).option('config-file')?.value;
  await reader.read('docker-daemon', typeof configFile === 'string' && configFile.startsWith('/') ? configFile : '/etc/docker/daemon.json');
  await collectDockerTls(reader);
  for (const host of await reader.list('/etc/docker/certs.d')) {
    const dir = posix.join('/etc/docker/certs.d', host);
    for (const name of await reader.list(dir)) {
      const kind = name.endsWith('.key') ? 'tls-key' : /\.(crt|cert)$/.test(name) ? 'tls-cert' : undefined;
      if (kind !== undefined) await reader.stat(kind, posix.join(dir, name), (info) => info.isFile());
    }
  }
}

/** The daemon's TLS files: those daemon.json or the flags name, and the defaults in DOCKER_CERT_PATH (~/.docker) when TLS is on. */
async function collectDockerTls(reader: HostReader): Promise<void> {
  const settings = dockerdSettings(reader.files);
  const tlsOn = ['tls', 'tlsverify'].some((key) => booleanOf(settings.option(key)?.value) === true);
  const certPath = dockerdEnvironment(reader.files).get('DOCKER_CERT_PATH')?.value || '/root/.docker';
  const files = [
    ['tlscacert', 'ca.pem', 'tls-cert'],
    ['tlscert', 'cert.pem', 'tls-cert'],
    ['tlskey', 'key.pem', 'tls-key'],
  ] as const;
  for (const [key, name, kind] of files) {
    const named = settings.option(key)?.value;
    const path = typeof named === 'string' ? named : tlsOn ? posix.join(certPath, name) : undefined;
    if (path?.startsWith('/')) await reader.stat(kind, path, (info) => info.isFile());
  }
}

/** containerd's config.toml, and the hosts.toml of each registry in /etc/containerd/certs.d and the `config_path` directories. */
async function collectContainerd(reader: HostReader): Promise<void> {
  const config = await reader.read('containerd-config', '/etc/containerd/config.toml');
  const configPath = subTable(criTables(config?.parsed).images, 'registry')?.table.config_path;
  const configured = typeof configPath === 'string' ? configPath.split(':').filter((dir) => dir.startsWith('/')) : [];
  for (const dir of unique(['/etc/containerd/certs.d', ...configured]).slice(0, maxHostsDirectories)) {
    for (const host of await reader.list(dir)) await reader.read('containerd-hosts', posix.join(dir, host, 'hosts.toml'));
  }
}

/** A configuration file and its `<file>.d/*.conf` drop-ins (CRI-O, containers-registries.conf). */
async function collectDropInConfig(reader: HostReader, kind: 'crio-config' | 'registries-conf', path: string): Promise<void> {
  await reader.read(kind, path);
  for (const name of await reader.list(`${path}.d`)) if (name.endsWith('.conf')) await reader.read(kind, `${path}.d/${name}`);
}

function unique(paths: readonly string[]): string[] {
  return [...new Set(paths)];
}
