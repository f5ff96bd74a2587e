import type { DockerdSettings, DockerdValue } from '../dockerd.js';
import { booleanOf } from '../dockerd.js';
import { dockerdRule } from '../dockerd-rule.js';
import { daemonJson, dockerUnit, exampleFile } from '../examples.js';
import type { HostRuleMeta } from '../rule.js';
import { hostFinding } from '../rule.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-001',
  title: 'Docker API on TCP without TLS client verification',
  severity: 'CRITICAL',
  rationale:
    'The Docker API is root on the host: whoever can call it starts a privileged container that mounts /. On a TCP socket without `tlsverify`, nothing checks who calls — anyone who reaches the port (the network, every local user, every container with a route to the host) owns the host. TLS alone (`tls` without `tlsverify`) only encrypts; it does not authenticate clients. Exposed port 2375 is scanned for and exploited within hours.',
  remediation:
    'Remove `tcp://` entries from `hosts` (daemon.json) and `-H tcp://…` from the dockerd command line, and reach remote daemons with `DOCKER_HOST=ssh://user@host` instead. If a TCP listener is really needed, set `"tlsverify": true` with `tlscacert`, `tlscert` and `tlskey`, issue client certificates from that CA only to those who may be root on the host, and firewall the port.',
  references: ['CIS Docker Benchmark v1.6.0 2.7', 'Docker docs: Protect the Docker daemon socket', 'NIST SP 800-190 4.3.1'],
  cis: '2.7',
};

const socketUnitPath = '/lib/systemd/system/docker.socket';

/** SS-HOST-001: `tcp://` hosts (daemon.json, `-H`, `DOCKER_OPTS`) and TCP `ListenStream=`s of docker.socket (with `-H fd://`), without `tlsverify`. */
export const dockerTcpApi = dockerdRule(
  meta,
  {
    bad: [
      [dockerUnit('-H fd:// -H tcp://0.0.0.0:2375 --containerd=/run/containerd/containerd.sock')],
      [
        daemonJson({
          hosts: ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2376'],
          tls: true,
          tlscert: '/etc/docker/server.pem',
          tlskey: '/etc/docker/server-key.pem',
        }),
      ],
      [daemonJson({ tlsverify: true, tlscacert: '/etc/docker/ca.pem' }), dockerUnit('-H unix:// -H 10.0.0.5:2376 --tlsverify=false')],
      [dockerUnit('-H fd://'), exampleFile('docker-socket-unit', socketUnitPath, '[Socket]\nListenStream=/run/docker.sock\nListenStream=0.0.0.0:2375\n')],
      [
        exampleFile(
          'docker-unit',
          '/lib/systemd/system/docker.service',
          '[Service]\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd -H fd:// $DOCKER_OPTS\n',
        ),
        exampleFile('docker-env', '/etc/default/docker', '# Docker Upstart and SysVinit configuration file\nDOCKER_OPTS="-H tcp://0.0.0.0:2375"\n'),
      ],
    ],
    good: [
      [
        dockerUnit('-H fd:// --containerd=/run/containerd/containerd.sock'),
        exampleFile('docker-socket-unit', socketUnitPath, '[Socket]\nListenStream=/run/docker.sock\nSocketMode=0660\n'),
      ],
      [daemonJson({ hosts: ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2376'], tlsverify: true, tlscacert: '/etc/docker/ca.pem' })],
      [dockerUnit('-H unix:///var/run/docker.sock --host=tcp://0.0.0.0:2376 --tlsverify --tlscacert=/etc/docker/ca.pem')],
      [
        exampleFile(
          'docker-unit',
          '/lib/systemd/system/docker.service',
          '[Service]\nEnvironment="DOCKER_TLS_VERIFY=1"\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2376\n',
        ),
      ],
    ],
  },
  (settings) => {
    const verify = settings.option('tlsverify');
    if (verify !== undefined && booleanOf(verify.value) === true) return [];
    const how = booleanOf(settings.option('tls')?.value) === true ? 'with TLS but without client certificate verification (tlsverify)' : 'without TLS';
    const risk = 'anyone who can reach the port controls the daemon, and through it the host as root';
    return tcpListeners(settings).map(({ address, from }) =>
      hostFinding(meta, from.path, `dockerd listens on ${address} ${how}: ${risk}`, { line: from.line }),
    );
  },
);

/** dockerd's TCP listeners: its `tcp://` (or scheme-less) hosts, and docker.socket's TCP sockets when it takes its sockets from systemd. */
function tcpListeners(settings: DockerdSettings): { address: string; from: DockerdValue['from'] }[] {
  const hosts = settings.list('hosts').filter((host): host is DockerdValue & { value: string } => typeof host.value === 'string');
  const listeners = hosts.filter((host) => isTcpHost(host.value)).map((host) => ({ address: host.value, from: host.from }));
  if (!hosts.some((host) => host.value.startsWith('fd://'))) return listeners;
  const activated = settings.socketStreams.filter((stream) => isTcpStream(stream.value));
  return [...listeners, ...activated.map((stream) => ({ address: `${stream.value} (docker.socket)`, from: stream.from }))];
}

/** dockerd reads an address with no scheme as TCP (`-H 0.0.0.0:2375`); `unix://`, `fd://`, `ssh://`… are not. */
function isTcpHost(host: string): boolean {
  const value = host.trim();
  if (/^tcp:\/\//i.test(value)) return true;
  return value !== '' && !value.includes('://') && !value.startsWith('/');
}

/** A systemd `ListenStream=` that is a port or address:port (not a path, abstract socket or vsock). */
function isTcpStream(value: string): boolean {
  return /^\d+$/.test(value) || (/:\d+$/.test(value) && !/^[/@]|^vsock:/.test(value));
}
