import type { SeverityLevel } from '../../core/severity.js';
import type { RuleFinding, RuleMeta } from '../../rules/rule.js';

/**
 * What a container engine's configuration file (or socket, or directory) is to the rules. One kind
 * can come from several paths (a unit and its drop-ins, a config and its `.d/` files).
 */
export const hostConfigKinds = [
  // dockerd's JSON configuration (`/etc/docker/daemon.json`, or the unit's `--config-file`)
  'docker-daemon',
  // the effective `docker.service` unit and its drop-ins (`docker.service.d/*.conf`)
  'docker-unit',
  // the effective `docker.socket` unit and its drop-ins
  'docker-socket-unit',
  // `/etc/default/docker`, `/etc/sysconfig/docker`: environment files (`DOCKER_OPTS=…`)
  'docker-env',
  // `/etc/containerd/config.toml`
  'containerd-config',
  // containerd's per-registry `<config_path>/<host>/hosts.toml`
  'containerd-hosts',
  // `/etc/crio/crio.conf` and `/etc/crio/crio.conf.d/*.conf`
  'crio-config',
  // containers-registries.conf(5): `/etc/containers/registries.conf` and its `.d/*.conf` (CRI-O, Podman, Buildah)
  'registries-conf',
  // an engine's API socket (`/run/docker.sock`, `/run/containerd/containerd.sock`…)
  'engine-socket',
  // a directory of engine configuration (`/etc/docker`, `/etc/containerd`…)
  'config-dir',
  // a TLS CA or certificate the engine uses (daemon.json `tlscacert`/`tlscert`, `/etc/docker/certs.d`)
  'tls-cert',
  // a TLS private key the engine uses (daemon.json `tlskey`, a `.key` in `/etc/docker/certs.d/<host>/`): never read, only stat'ed
  'tls-key',
] as const;

export type HostConfigKind = (typeof hostConfigKinds)[number];

export type HostFileType = 'file' | 'socket' | 'dir' | 'other';

/** One engine configuration file as read from the host (or written as a rule's example). */
export interface HostConfigFile {
  kind: HostConfigKind;
  /** The host path (`/etc/docker/daemon.json`), not the path under `--root`. */
  path: string;
  type: HostFileType;
  /** Permission bits (`0o644`; setuid/setgid/sticky included). */
  mode: number;
  uid: number;
  gid: number;
  /** A file's text (absent for sockets, directories, keys and files that could not be read). */
  text?: string | undefined;
  /** The text parsed for its kind: a JSON object, a TOML table, unit directives, environment assignments. */
  parsed?: unknown;
  /**
   * Why the content is not known (not read, too large, not valid JSON/TOML), in the words of the
   * collector's problem. Rules that read content say nothing of it: an unknown setting is not a finding.
   */
  unknown?: string | undefined;
}

/** A host rule's metadata: the shared RuleMeta plus its CIS Docker Benchmark v1.6.0 recommendation, where there is one. */
export interface HostRuleMeta extends RuleMeta {
  /** CIS Docker Benchmark v1.6.0 recommendation (`2.7`); absent for containerd/CRI-O checks the benchmark does not cover. */
  cis?: string | undefined;
}

/** A finding before its fingerprint is computed (`checkHostConfig` adds it). */
export type HostFindingDraft = Omit<RuleFinding, 'fingerprint'>;

/** Examples are whole hosts: each one the set of files a host has (a daemon.json and its unit, say). */
export interface HostRuleExamples {
  good: HostConfigFile[][];
  bad: HostConfigFile[][];
}

/**
 * One host rule: pure, it reads one file of its kinds (and, where settings combine across files, the
 * others in `all`) and returns findings located in that file.
 */
export interface HostRule {
  meta: HostRuleMeta;
  kinds: readonly HostConfigKind[];
  examples: HostRuleExamples;
  check(file: HostConfigFile, all: readonly HostConfigFile[]): HostFindingDraft[];
}

/** A finding of `meta` in the host file at `path`. Messages carry no line numbers: they feed fingerprints. */
export function hostFinding(
  meta: HostRuleMeta,
  path: string,
  message: string,
  options: { line?: number | undefined; severity?: SeverityLevel } = {},
): HostFindingDraft {
  return {
    ruleId: meta.id,
    title: meta.title,
    severity: options.severity ?? meta.severity,
    message,
    location: options.line === undefined ? { file: path } : { file: path, startLine: options.line },
  };
}

/** `0o644` as `0644`, as ls and chmod write it. */
export function modeText(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
