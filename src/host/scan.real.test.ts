import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, symlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../core/limits.js';
import { buildTinyDeb, containerToolsMissing, makeStorageHost, type StorageHost } from '../test-support/host-containers.js';
import { sharedAbsent, sharedPath } from '../test-support/shared.js';
import { skipWhen } from '../test-support/skip.js';
import { scanHost, type HostReport, type ScannedContainer } from './scan.js';

const secretKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

async function waitFor(file: string): Promise<void> {
  for (let tries = 0; tries < 200 && !existsSync(file); tries++) await sleep(50);
  if (!existsSync(file)) throw new Error(`${file} did not appear`);
}

/**
 * Real containers, real writable layers: buildah and podman make them from the shared images in a
 * containers/storage store under a fake host root, real processes change them (dpkg, cp, sh), and
 * `host scan` must find exactly what `podman diff` finds — and the executables, packages, secrets
 * and /etc changes among them.
 */
describe('host scan of real buildah/podman containers', skipWhen(sharedAbsent, containerToolsMissing()), () => {
  let host: StorageHost;
  let report: HostReport;
  const byName = (name: string): ScannedContainer => {
    const found = report.containers.find((container) => container.name === name);
    if (!found) throw new Error(`no container ${name}`);
    return found;
  };

  beforeAll(async () => {
    host = await makeStorageHost();
    const deb = await buildTinyDeb(path.join(host.root, 'tmp'), 'drifttool', '1.0-1');
    await host.buildah('from', '--name', 'drifter', `oci-archive:${sharedPath('images/debian-bookworm.oci.tar')}`);
    await host.buildah('copy', 'drifter', deb, '/tmp/drifttool.deb');
    const script = [
      'dpkg -i /tmp/drifttool.deb',
      'rm /tmp/drifttool.deb',
      'cp /bin/ls /usr/local/bin/tool',
      "echo 'backdoor:x:0:0::/root:/bin/sh' >> /etc/passwd",
      'rm /etc/issue',
      'mkdir -p /root/.aws',
      `printf '[default]\\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\\naws_secret_access_key = ${secretKey}\\n' > /root/.aws/credentials`,
      // hostile links: a scan that followed them would read the host's files
      'ln -s /etc/shadow /tmp/host-shadow',
      'ln -s ../../../../../../../../etc/passwd /tmp/up-and-out',
    ].join(' && ');
    await host.buildah('run', '--isolation', 'chroot', 'drifter', '--', 'sh', '-c', script);
    await host.buildah('from', '--name', 'remover', `oci-archive:${sharedPath('images/bullseye-app.oci.tar')}`);
    await host.buildah('run', '--isolation', 'chroot', 'remover', '--', 'dpkg', '-r', 'python3-yaml');
    const socket = path.join(host.root, 'tmp/docker.sock');
    await writeFile(socket, '');
    await host.podman(
      'create',
      '--name',
      'web',
      '--privileged',
      '--network',
      'host',
      '-v',
      `${socket}:/var/run/docker.sock`,
      'localhost/bookworm',
      'sleep',
      '1',
    );
    const mounted = (await host.podman('mount', 'web')).trim();
    await writeFile(path.join(mounted, 'usr/local/bin/dropped'), '#!/bin/sh\nexec /bin/sh\n', { mode: 0o755 });
    await symlink('/etc/shadow', path.join(mounted, 'etc/shadow-link'));
    await host.podman('umount', 'web');
    report = await scanHost({ root: host.root, limits: defaultLimits });
  }, 180_000);

  afterAll(async () => host?.remove());

  it('finds the engines and their containers with the facts their state records', () => {
    expect(report.host.engines.map((engine) => [engine.kind, engine.containers])).toEqual([
      ['buildah', 2],
      ['podman', 1],
    ]);
    const web = byName('web');
    expect(web).toMatchObject({ engine: 'podman', privileged: true, networkMode: 'host', image: { reference: 'localhost/bookworm:latest' } });
    expect(web.image.digest).toBe('sha256:a4da79131a3bbf4cf139e72e571985510b2c94cc940fb57cf04cda077c1012d3');
    expect(web.mounts).toContainEqual(expect.objectContaining({ destination: '/var/run/docker.sock', type: 'bind' }));
    expect(byName('drifter')).toMatchObject({
      engine: 'buildah',
      image: { digest: 'sha256:a4da79131a3bbf4cf139e72e571985510b2c94cc940fb57cf04cda077c1012d3' },
    });
  });

  it('lists exactly the files, links and deletions `podman diff` lists', async () => {
    for (const name of ['drifter', 'remover', 'web']) {
      const theirs = JSON.parse(await host.podman('diff', '--format', 'json', name)) as { added?: string[]; changed?: string[]; deleted?: string[] };
      const mounted = (await host.podman('mount', name)).trim();
      // podman lists a directory as changed because something in it changed; the drift lists what changed in it
      const engineFiles = ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/run/.containerenv'];
      const keep = async (list: string[] | undefined, base?: string): Promise<string[]> => {
        const kept: string[] = [];
        for (const file of list ?? [])
          if (!engineFiles.includes(file) && (base === undefined || !(await lstat(path.join(base, file))).isDirectory())) kept.push(file);
        return kept.sort();
      };
      const drift = byName(name).drift;
      expect(drift, name).toBeDefined();
      expect(drift?.added, name).toEqual(await keep(theirs.added, mounted));
      expect(drift?.modified, name).toEqual(await keep(theirs.changed, mounted));
      // a deleted directory is one deletion, as podman says it
      expect(drift?.deleted, name).toEqual(await keep(theirs.deleted));
      await host.podman('umount', name);
    }
  });

  it('names the executables, packages, secrets and /etc changes made at run time', () => {
    const drifter = byName('drifter').drift;
    expect(drifter?.executables.map((file) => [file.path, file.change])).toEqual([
      ['/usr/bin/drifttool', 'added'],
      ['/usr/local/bin/tool', 'added'],
    ]);
    expect(drifter?.packages).toEqual({ installed: [{ type: 'deb', name: 'drifttool', version: '1.0-1', path: '/var/lib/dpkg/status' }], removed: [] });
    expect(drifter?.etc).toEqual([
      { path: '/etc/issue', change: 'deleted' },
      { path: '/etc/passwd', change: 'modified' },
    ]);
    expect(drifter?.secrets.map((finding) => finding.location.path)).toContain('/root/.aws/credentials');
    expect(byName('remover').drift?.packages.removed).toEqual([{ type: 'deb', name: 'python3-yaml', version: '5.3.1-5', path: '/var/lib/dpkg/status' }]);
    expect(byName('web').drift?.executables).toEqual([{ path: '/usr/local/bin/dropped', size: 23, change: 'added' }]);
  });

  it('reports each of them as a finding, secrets masked', () => {
    const rules = (name: string): string[] =>
      [...new Set(report.findings.filter((finding) => finding.container?.name === name).map((finding) => finding.ruleId))].sort();
    expect(rules('web')).toEqual(['SS-CTR-001', 'SS-CTR-002', 'SS-CTR-003', 'SS-CTR-006', 'SS-DRIFT-001', 'SS-DRIFT-003']);
    expect(rules('drifter')).toEqual(expect.arrayContaining(['SS-DRIFT-001', 'SS-DRIFT-002', 'SS-DRIFT-003', 'SS-SEC-001']));
    const passwd = report.findings.find((finding) => finding.ruleId === 'SS-DRIFT-003' && finding.path === '/etc/passwd');
    expect(passwd?.severity).toBe('HIGH');
    expect(JSON.stringify(report)).not.toContain(secretKey);
  });

  it('asks an engine API only when its socket is named: live states and the version; a socket that does not answer is a problem', async () => {
    const socket = path.join(host.root, 'tmp/podman.sock');
    const service = spawn('podman', [...host.storageArgs, 'system', 'service', '--time', '0', `unix://${socket}`], { stdio: 'ignore' });
    try {
      await waitFor(socket);
      const asked = await scanHost({ root: host.root, limits: defaultLimits, engineSockets: [socket, path.join(host.root, 'tmp/none.sock')] });
      expect(asked.containers.find((container) => container.name === 'web')?.state).toBe('created');
      expect(asked.host.engines.find((engine) => engine.kind === 'podman')).toMatchObject({ version: '4.3.1', versionSource: `the engine API on ${socket}` });
      expect(report.host.engines.find((engine) => engine.kind === 'podman')?.version).toBeUndefined(); // no package database in this root
      expect(asked.host.problems).toEqual([expect.stringContaining(`the engine API on ${path.join(host.root, 'tmp/none.sock')} did not answer`)]);
      // without the API, Podman's own database says the same
      expect(report.containers.find((container) => container.name === 'web')?.state).toBe('created');
    } finally {
      service.kill();
    }
  });

  it('never follows a link in a writable layer out to the host', () => {
    const drifter = byName('drifter').drift;
    expect(drifter?.added).toEqual(expect.arrayContaining(['/tmp/host-shadow', '/tmp/up-and-out']));
    expect(JSON.stringify(report)).not.toMatch(/root:[^"]*:\d+:\d+:/); // no line of any passwd/shadow file was read
  });
});
