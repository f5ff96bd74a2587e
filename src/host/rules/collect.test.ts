import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandMissing, skipWhen } from '../../test-support/skip.js';
import { HostRoot } from '../root.js';
import { checkHostConfig } from './check.js';
import { collectEngineConfig } from './collect.js';
import type { HostConfigFile } from './rule.js';

const roots: string[] = [];
const servers: Server[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

/** A fake host: each entry a file (text, or text and mode), a symbolic link, a FIFO or a listening Unix socket. */
type Entry = string | { text: string; mode: number } | { link: string } | { fifo: true } | { socket: number } | { dir: number };

async function host(entries: Record<string, Entry>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'ss-host-'));
  roots.push(root);
  for (const [path, entry] of Object.entries(entries)) {
    const onDisk = join(root, path);
    await mkdir(dirname(onDisk), { recursive: true });
    if (typeof entry === 'string') await writeFile(onDisk, entry, { mode: 0o644 });
    else if ('text' in entry) await writeFile(onDisk, entry.text).then(() => chmod(onDisk, entry.mode));
    else if ('link' in entry) await symlink(entry.link, onDisk);
    else if ('fifo' in entry) execFileSync('mkfifo', [onDisk]);
    else if ('dir' in entry) await mkdir(onDisk, { recursive: true }).then(() => chmod(onDisk, entry.dir));
    else {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((listening) => server.listen(onDisk, listening));
      await chmod(onDisk, entry.socket);
    }
  }
  return root;
}

/**
 * The files as a snapshot taken by root shows them: the test's own files owned by root (when the
 * tests run as another user, what they create is theirs; ownership itself is tested by the rules' examples).
 */
function asRoot(files: readonly HostConfigFile[]): HostConfigFile[] {
  const self = process.getuid?.() ?? 0;
  return files.map((file) => (file.uid === self ? { ...file, uid: 0, gid: 0 } : file));
}

async function scan(root: string): Promise<{ files: HostConfigFile[]; problems: string[]; findings: string[] }> {
  const { files, problems } = await collectEngineConfig(new HostRoot(root));
  const findings = checkHostConfig(asRoot(files)).map(
    (f) => `${f.ruleId} ${f.location.file}${f.location.startLine === undefined ? '' : `:${f.location.startLine}`}`,
  );
  return { files, problems, findings };
}

/** A daemon.json setting every boolean and userns as the rules want: only what a test adds is reported. */
const hardened = { icc: false, 'live-restore': true, 'no-new-privileges': true, 'userland-proxy': false, 'userns-remap': 'default' };
const hardenedJson = JSON.stringify(hardened);

describe('collectEngineConfig', () => {
  it('reads a whole host: Docker units, drop-ins and environment, containerd, CRI-O, registries.conf, sockets, TLS files', async () => {
    const daemon = {
      ...hardened,
      'insecure-registries': ['registry.corp:5000', '127.0.0.0/8'],
      tlscacert: '/etc/docker/tls/ca.pem',
      tlscert: '/etc/docker/tls/server.pem',
      tlskey: '/etc/docker/tls/server-key.pem',
    };
    const root = await host({
      lib: { link: 'usr/lib' }, // merged /usr: /lib/systemd/system is /usr/lib/systemd/system
      'var/run': { link: '../run' },
      'etc/docker/daemon.json': `${JSON.stringify(daemon, null, 2)}\n`,
      'etc/docker/tls/ca.pem': { text: 'CA', mode: 0o444 },
      'etc/docker/tls/server.pem': { text: 'CERT', mode: 0o444 },
      'etc/docker/tls/server-key.pem': { text: 'KEY', mode: 0o644 },
      'etc/docker/certs.d/registry.corp:5000/ca.crt': { text: 'CA', mode: 0o444 },
      'etc/docker/certs.d/registry.corp:5000/client.key': { text: 'KEY', mode: 0o400 },
      'usr/lib/systemd/system/docker.service':
        '[Service]\nType=notify\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd -H fd:// $DOCKER_OPTS\n',
      'usr/lib/systemd/system/docker.socket': '[Socket]\nListenStream=/run/docker.sock\nSocketMode=0660\nSocketUser=root\nSocketGroup=docker\n',
      'etc/systemd/system/docker.service.d/50-tcp.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375 $DOCKER_OPTS\n',
      'etc/systemd/system/docker.service.d/README': 'not a drop-in',
      'etc/default/docker': '# options for dockerd\nDOCKER_OPTS="--insecure-registry 10.1.0.0/16"\n',
      'etc/containerd/config.toml':
        'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry.configs."registry.corp:5000".tls]\n  insecure_skip_verify = true\n',
      'etc/containerd/certs.d/docker.io/hosts.toml': 'server = "https://registry-1.docker.io"\n\n[host."https://mirror.corp"]\n  skip_verify = true\n',
      'etc/containerd/certs.d/ghcr.io/hosts.toml': 'server = "https://ghcr.io"\n',
      'etc/crio/crio.conf': '[crio.image]\npause_image = "registry.k8s.io/pause:3.10"\n',
      'etc/crio/crio.conf.d/10-insecure.conf': '[crio.image]\ninsecure_registries = ["10.2.0.0/16"]\n',
      'etc/containers/registries.conf': 'unqualified-search-registries = ["docker.io"]\n\n[[registry]]\nlocation = "registry.corp:5000"\ninsecure = true\n',
      'etc/containers': { dir: 0o775 },
      'run/docker.sock': { socket: 0o666 },
      'run/containerd/containerd.sock': { socket: 0o660 },
    });
    const { files, problems, findings } = await scan(root);
    expect(problems).toEqual([]);
    expect(findings).toEqual([
      'SS-HOST-008 /etc/containerd/certs.d/docker.io/hosts.toml:4',
      'SS-HOST-008 /etc/containerd/config.toml:4',
      'SS-HOST-012 /etc/containers',
      'SS-HOST-010 /etc/containers/registries.conf:5',
      'SS-HOST-010 /etc/crio/crio.conf.d/10-insecure.conf:2',
      'SS-HOST-002 /etc/default/docker:2', // --insecure-registry from $DOCKER_OPTS: located where DOCKER_OPTS is set
      'SS-HOST-002 /etc/docker/daemon.json:7',
      'SS-HOST-013 /etc/docker/tls/server-key.pem',
      'SS-HOST-001 /etc/systemd/system/docker.service.d/50-tcp.conf:3',
      'SS-HOST-011 /run/docker.sock',
    ]);
    // /var/run/docker.sock is the same socket through /var/run → ../run: read once
    expect(files.filter((file) => file.kind === 'engine-socket').map((file) => [file.path, file.type])).toEqual([
      ['/run/docker.sock', 'socket'],
      ['/run/containerd/containerd.sock', 'socket'],
    ]);
    expect(files.filter((file) => file.kind === 'docker-unit').map((file) => file.path)).toEqual([
      '/usr/lib/systemd/system/docker.service',
      '/etc/systemd/system/docker.service.d/50-tcp.conf',
    ]);
    expect(files.filter((file) => file.kind.startsWith('tls-')).map((file) => `${file.kind} ${file.path} ${file.mode.toString(8)}`)).toEqual([
      'tls-cert /etc/docker/tls/ca.pem 444',
      'tls-cert /etc/docker/tls/server.pem 444',
      'tls-key /etc/docker/tls/server-key.pem 644',
      'tls-cert /etc/docker/certs.d/registry.corp:5000/ca.crt 444',
      'tls-key /etc/docker/certs.d/registry.corp:5000/client.key 400',
    ]);
    // keys are stat'ed, never read
    expect(files.find((file) => file.kind === 'tls-key')?.text).toBeUndefined();
  });

  it('reads containerd config version 3 and the hosts.toml of its config_path', async () => {
    const root = await host({
      'etc/containerd/config.toml':
        "version = 3\n\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/hosts'\n\n[plugins.'io.containerd.cri.v1.runtime']\n  enable_unprivileged_ports = true\n  enable_unprivileged_icmp = false\n",
      'etc/containerd/hosts/registry.corp/hosts.toml': 'server = "http://registry.corp"\n',
      'etc/containerd/hosts/localhost:5000/hosts.toml': 'server = "http://localhost:5000"\n',
    });
    const { problems, findings } = await scan(root);
    expect(problems).toEqual([]);
    expect(findings).toEqual(['SS-HOST-009 /etc/containerd/config.toml:7', 'SS-HOST-008 /etc/containerd/hosts/registry.corp/hosts.toml:1']);
  });

  it('follows links only inside the root: /etc/docker → /../../../etc is the root’s /etc', async () => {
    const root = await host({
      'etc/docker': { link: '/../../../etc' },
      'etc/daemon.json': JSON.stringify({ ...hardened, icc: true }),
      'etc/containerd/config.toml': { link: '../../../../../../../../etc/passwd' },
      'usr/lib/systemd/system/docker.service': '[Service]\nExecStart=/usr/bin/dockerd -H fd://\n',
    });
    const { files, problems, findings } = await scan(root);
    expect(problems).toEqual([]);
    expect(files.find((file) => file.kind === 'docker-daemon')?.text).toBe(JSON.stringify({ ...hardened, icc: true }));
    // the link leads to the root's /etc/passwd, which is not there: the host's own is never read
    expect(files.filter((file) => file.kind === 'containerd-config')).toEqual([]);
    expect(findings).toEqual(['SS-HOST-003 /etc/docker/daemon.json:1']);
  });

  it('does not read a masked unit, nor the packaged one it hides', async () => {
    const root = await host({
      'etc/systemd/system/docker.service': { link: '/dev/null' },
      'lib/systemd/system/docker.service': '[Service]\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2375\n',
      'etc/docker/daemon.json': hardenedJson,
    });
    const { files, problems, findings } = await scan(root);
    expect(problems).toEqual([]);
    expect(files.filter((file) => file.kind === 'docker-unit')).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('takes an empty unit file as masked: its drop-ins say nothing, and it is no place for "not set"', async () => {
    const root = await host({
      'etc/systemd/system/docker.service': '',
      'etc/systemd/system/docker.service.d/tcp.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2375\n',
      'lib/systemd/system/docker.service': '[Service]\nExecStart=/usr/bin/dockerd -H fd://\n',
    });
    const { files, problems, findings } = await scan(root);
    expect(problems).toEqual([]);
    expect(files.filter((file) => file.kind === 'docker-unit').map((file) => file.path)).toEqual(['/etc/systemd/system/docker.service']);
    expect(findings).toEqual([]);
  });

  it(
    'reports a FIFO named daemon.json as a problem without blocking, and claims nothing about unset options',
    skipWhen(commandMissing('mkfifo', 'coreutils')),
    async () => {
      const root = await host({
        'etc/docker/daemon.json': { fifo: true },
        'lib/systemd/system/docker.service': '[Service]\nExecStart=/usr/bin/dockerd -H fd:// --icc=true\n',
      });
      const { files, problems, findings } = await scan(root);
      expect(problems).toEqual(['/etc/docker/daemon.json: not read (not a regular file (a FIFO, socket, device or directory))']);
      expect(files.find((file) => file.kind === 'docker-daemon')).toMatchObject({ type: 'other', unknown: problems[0] });
      // the unit's own flag is still a finding; "live-restore is not set" is not: daemon.json may set it
      expect(findings).toEqual(['SS-HOST-003 /lib/systemd/system/docker.service:2']);
    },
  );

  it('reports a 2 MiB daemon.json as a problem, and still checks its permissions', async () => {
    const root = await host({ 'etc/docker/daemon.json': { text: `{"icc": false, "pad": "${'x'.repeat(2 * 1024 * 1024)}"}`, mode: 0o666 } });
    const { problems, findings } = await scan(root);
    expect(problems).toEqual([expect.stringMatching(/^\/etc\/docker\/daemon\.json: not read \(\d+ bytes, more than the 1048576-byte limit for this file\)$/)]);
    expect(findings).toEqual(['SS-HOST-012 /etc/docker/daemon.json']);
  });

  it('reports invalid JSON and TOML as problems in its own words', async () => {
    const root = await host({
      'etc/docker/daemon.json': '{"icc": false,, }',
      'etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri"\n',
      'etc/crio/crio.conf': '[crio.image]\ninsecure_registries = ["a"\n',
      'etc/containers/registries.conf': '["not", "a table"]',
      'lib/systemd/system/docker.service': '[Service]\nExecStart=/usr/bin/dockerd -H fd://\n',
    });
    const { problems, findings } = await scan(root);
    expect(problems).toEqual([
      expect.stringMatching(/^\/etc\/docker\/daemon\.json: not valid JSON \(.+\)$/),
      expect.stringMatching(/^\/etc\/containerd\/config\.toml: not valid TOML \(.+, line 2\)$/),
      expect.stringMatching(/^\/etc\/crio\/crio\.conf: not valid TOML \(.+\)$/),
      expect.stringMatching(/^\/etc\/containers\/registries\.conf: not valid TOML \(.+\)$/),
    ]);
    for (const problem of problems) expect(problem).not.toContain('\n');
    expect(findings).toEqual([]);
  });

  it('says daemon.json that is JSON but not an object is unknown', async () => {
    const root = await host({ 'etc/docker/daemon.json': '["icc", false]' });
    expect((await scan(root)).problems).toEqual(['/etc/docker/daemon.json: not a JSON object']);
  });

  it('reads no drop-in directory of more than 200 names, and says so', async () => {
    const entries: Record<string, Entry> = {
      'lib/systemd/system/docker.service': '[Service]\nExecStart=/usr/bin/dockerd -H fd://\n',
      'etc/docker/daemon.json': hardenedJson,
    };
    for (let i = 0; i < 201; i++)
      entries[`etc/systemd/system/docker.service.d/${String(i).padStart(3, '0')}.conf`] =
        '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2375\n';
    const { problems } = await scan(await host(entries));
    expect(problems).toEqual(['/etc/systemd/system/docker.service.d: not read (more than 200 entries): the configuration in it is unknown']);
  });

  it('reads the daemon.json the unit names with --config-file', async () => {
    const root = await host({
      'lib/systemd/system/docker.service': '[Service]\nExecStart=/usr/bin/dockerd -H fd:// --config-file=/srv/docker/daemon.json\n',
      'etc/docker/daemon.json': hardenedJson,
      'srv/docker/daemon.json': JSON.stringify({ ...hardened, 'live-restore': false }),
    });
    const { files, findings } = await scan(root);
    expect(files.filter((file) => file.kind === 'docker-daemon').map((file) => file.path)).toEqual(['/srv/docker/daemon.json']);
    expect(findings).toEqual(['SS-HOST-005 /srv/docker/daemon.json:1']);
  });
});
