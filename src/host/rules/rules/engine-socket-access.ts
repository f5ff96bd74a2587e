import { unitFiles } from '../dockerd-flags.js';
import { exampleFile } from '../examples.js';
import type { HostConfigFile, HostFindingDraft, HostRule, HostRuleMeta } from '../rule.js';
import { hostFinding, modeText } from '../rule.js';
import { effectiveList } from '../systemd.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-011',
  title: 'Container engine socket open to other users',
  severity: 'CRITICAL',
  rationale:
    "Whoever can connect to an engine's API socket (Docker, containerd, CRI-O, Podman) can start a privileged container that mounts the host's root: it is root on the host. A socket writable by every user, or owned by a user other than root, hands that to every local account and every process that runs as it.",
  remediation:
    'Keep engine sockets root-owned, mode 660 or stricter: `chown root:docker /var/run/docker.sock && chmod 660 /var/run/docker.sock` (containerd, CRI-O, Podman: root:root). For socket activation set `SocketMode=0660`, `SocketUser=root`, `SocketGroup=docker` in docker.socket. Treat membership of the `docker` group as root access.',
  references: ['CIS Docker Benchmark v1.6.0 3.15', 'CIS Docker Benchmark v1.6.0 3.16', 'CIS Docker Benchmark v1.6.0 3.23', 'CIS Docker Benchmark v1.6.0 3.24'],
  cis: '3.16',
};

const socketUnit = (text: string): HostConfigFile =>
  exampleFile('docker-socket-unit', '/lib/systemd/system/docker.socket', `[Unit]\nDescription=Docker Socket for the API\n\n[Socket]\n${text}`);
const socket = (path: string, mode: number, uid = 0, gid = 0): HostConfigFile =>
  exampleFile('engine-socket', path, undefined, { type: 'socket', mode, uid, gid });

/** SS-HOST-011: engine sockets not root-owned or with permissions for others; docker.socket creating such a socket. */
export const engineSocketAccess: HostRule = {
  meta,
  kinds: ['engine-socket', 'docker-socket-unit'],
  examples: {
    bad: [
      [socket('/run/docker.sock', 0o666, 0, 999)],
      [socket('/run/containerd/containerd.sock', 0o660, 1000, 1000)],
      [socket('/run/podman/podman.sock', 0o664)],
      [socketUnit('ListenStream=/run/docker.sock\nSocketMode=0666\nSocketUser=root\nSocketGroup=docker\n')],
      [socketUnit('ListenStream=/run/docker.sock\nSocketGroup=docker\n')],
    ],
    good: [
      [socket('/var/run/docker.sock', 0o660, 0, 999)],
      [socket('/run/containerd/containerd.sock', 0o660)],
      [socketUnit('ListenStream=/run/docker.sock\nSocketMode=0660\nSocketUser=root\nSocketGroup=docker\n')],
      [exampleFile('engine-socket', '/var/run/docker.sock', undefined, { type: 'dir', mode: 0o755 })],
    ],
  },
  check(file, all) {
    return file.kind === 'engine-socket' ? checkSocket(file) : checkSocketUnit(file, all);
  },
};

function checkSocket(file: HostConfigFile): HostFindingDraft[] {
  if (file.type !== 'socket') return []; // a directory left where a socket was bind-mounted is not an API
  const findings: HostFindingDraft[] = [];
  if (file.uid !== 0) findings.push(hostFinding(meta, file.path, `the socket is owned by uid ${file.uid}, not root: that user controls the engine`));
  if ((file.mode & 0o002) !== 0)
    findings.push(hostFinding(meta, file.path, `any local user can connect (mode ${modeText(file.mode)}): the API gives root on the host`));
  else if ((file.mode & 0o007) !== 0) {
    findings.push(
      hostFinding(meta, file.path, `other users have permissions on the socket (mode ${modeText(file.mode)}); 660 or stricter is expected`, {
        severity: 'LOW',
      }),
    );
  }
  return findings;
}

/** docker.socket and its drop-ins: the last `SocketMode=`/`SocketUser=` decide, for the unix sockets it listens on. */
function checkSocketUnit(file: HostConfigFile, all: readonly HostConfigFile[]): HostFindingDraft[] {
  const units = unitFiles(all, 'docker-socket-unit');
  const paths = effectiveList(units, 'Socket', 'ListenStream').filter((stream) => stream.value.startsWith('/'));
  if (paths.length === 0) return [];
  const sockets = paths.map((stream) => stream.value).join(', ');
  const findings: HostFindingDraft[] = [];
  const mode = effectiveList(units, 'Socket', 'SocketMode').at(-1);
  if (mode === undefined) {
    // systemd's default SocketMode is 0666
    if (units[0]?.path === file.path)
      findings.push(hostFinding(meta, file.path, `docker.socket sets no SocketMode: systemd creates ${sockets} with mode 0666, open to every local user`));
  } else if (mode.path === file.path && (parseInt(mode.value, 8) & 0o002) !== 0) {
    findings.push(
      hostFinding(meta, file.path, `docker.socket creates ${sockets} with SocketMode=${mode.value}, open to every local user`, { line: mode.line }),
    );
  }
  const user = effectiveList(units, 'Socket', 'SocketUser').at(-1);
  if (user !== undefined && user.path === file.path && !['root', '0'].includes(user.value)) {
    findings.push(
      hostFinding(meta, file.path, `docker.socket creates ${sockets} owned by ${JSON.stringify(user.value)}: that user controls the engine`, {
        line: user.line,
      }),
    );
  }
  return findings;
}
