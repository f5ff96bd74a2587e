import { daemonJson, dockerUnit, exampleFile } from '../examples.js';
import type { HostRule, HostRuleMeta } from '../rule.js';
import { hostConfigKinds, hostFinding, modeText } from '../rule.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-012',
  title: 'Engine configuration writable by non-root users',
  severity: 'HIGH',
  rationale:
    "The engines run as root and do what their configuration says: whoever can write daemon.json, the docker.service unit, containerd's config.toml, registries.conf, the TLS CA the daemon trusts, or a directory holding them, can open the API on TCP, add a registry, or plant a runtime — root on the host at the next restart. Files must be owned by root and writable by root only.",
  remediation:
    'chown root:root and chmod 644 (directories 755; TLS certificates 444) the engine configuration: /etc/docker and daemon.json, docker.service, docker.socket and their drop-ins, /etc/default/docker, /etc/sysconfig/docker, /etc/containerd, /etc/crio, /etc/containers, and the certificates in /etc/docker/certs.d.',
  references: [
    'CIS Docker Benchmark v1.6.0 3.1-3.12 (docker.service, docker.socket, /etc/docker, certificates)',
    'CIS Docker Benchmark v1.6.0 3.17-3.22 (daemon.json, /etc/default/docker, /etc/sysconfig/docker)',
  ],
  cis: '3.18',
};

/** SS-HOST-012: configuration files and directories not owned by root, or writable by group or others. */
export const configFilePermissions: HostRule = {
  meta,
  // sockets have SS-HOST-011, keys SS-HOST-013 (which asks more of them)
  kinds: hostConfigKinds.filter((kind) => kind !== 'engine-socket' && kind !== 'tls-key'),
  examples: {
    bad: [
      [daemonJson({ 'live-restore': true }, { mode: 0o666 })],
      [dockerUnit('-H fd://', { uid: 1000, gid: 1000 })],
      [exampleFile('containerd-config', '/etc/containerd/config.toml', 'version = 2\n', { mode: 0o664, gid: 27 })],
      [exampleFile('config-dir', '/etc/docker', undefined, { type: 'dir', mode: 0o777 })],
      [exampleFile('tls-cert', '/etc/docker/certs.d/registry.corp:5000/ca.crt', undefined, { mode: 0o646 })],
    ],
    good: [
      [daemonJson({ 'live-restore': true })],
      [dockerUnit('-H fd://', { mode: 0o444 })],
      [exampleFile('config-dir', '/etc/containerd', undefined, { type: 'dir', mode: 0o755 })],
      [exampleFile('tls-cert', '/etc/docker/ca.pem', undefined, { mode: 0o444 })],
    ],
  },
  check(file) {
    if (file.type !== 'file' && file.type !== 'dir') return [];
    const what = file.type === 'dir' ? 'the directory' : 'the file';
    const findings =
      file.uid === 0 ? [] : [hostFinding(meta, file.path, `${what} is owned by uid ${file.uid}, not root: that user can change how the engine runs`)];
    if ((file.mode & 0o002) !== 0) {
      findings.push(
        hostFinding(meta, file.path, `${what} is writable by every user (mode ${modeText(file.mode)}): anyone can change how the engine runs`, {
          severity: 'CRITICAL',
        }),
      );
    } else if ((file.mode & 0o020) !== 0) {
      findings.push(
        hostFinding(meta, file.path, `${what} is writable by group ${file.gid} (mode ${modeText(file.mode)}): its members can change how the engine runs`),
      );
    }
    return findings;
  },
};
