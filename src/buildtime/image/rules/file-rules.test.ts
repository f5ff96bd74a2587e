import { describe, expect, it } from 'vitest';
import { goodConfig, readSpec, run, twoLayers } from '../test-rules.js';
import { setuidFiles } from './setuid-files.js';
import { sshArtifact, sshPresent } from './ssh-present.js';
import { worldWritable } from './world-writable.js';

describe('SS-IMG-003 setuid/setgid files', () => {
  it('passes an image without setuid files', async () => {
    const model = await readSpec({
      layers: twoLayers([
        { name: 'usr/bin/tool', content: 'x', mode: 0o755 },
        { name: 'var/mail', mode: 0o2775 },
      ]),
      config: { config: goodConfig },
    });
    expect(run(setuidFiles, model)).toEqual([]);
  });

  it('lists each setuid/setgid file with its layer: MEDIUM for the build, LOW for the base', async () => {
    const model = await readSpec({
      layers: [
        {
          items: [
            { name: 'bin/su', content: 'su', mode: 0o4755 },
            { name: 'usr/bin/chage', content: 'c', mode: 0o2755 },
            { name: 'bin/mount', content: 'm', mode: 0o4755 },
          ],
          createdBy: 'ADD file:abc in /',
        },
        {
          items: [
            { name: 'usr/local/bin/helper', content: 'h', mode: 0o6755 },
            { name: 'bin/mount', content: 'm2', mode: 0o755 },
          ],
          createdBy: '/bin/sh -c make install',
        },
      ],
      config: { config: goodConfig },
    });
    const findings = run(setuidFiles, model);
    expect(findings.map((f) => [f.location.path, f.location.layer?.index, f.severity])).toEqual([
      ['/bin/su', 0, 'LOW'],
      ['/usr/bin/chage', 0, 'LOW'],
      ['/usr/local/bin/helper', 1, 'MEDIUM'],
    ]);
    expect(findings[2]?.message).toBe('/usr/local/bin/helper is setuid+setgid (mode 6755, uid 0, gid 0), written by layer 1 (RUN make install)');
    expect(findings[2]?.location.layer).toEqual({ index: 1, digest: model.layers[1]?.blob.digest, createdBy: '/bin/sh -c make install' });
    // unknown boundary: everything is the build's
    expect(run(setuidFiles, model, { baseLayers: undefined }).map((f) => f.severity)).toEqual(['MEDIUM', 'MEDIUM', 'MEDIUM']);
  });
});

describe('SS-IMG-004 world-writable', () => {
  it('passes sticky directories, scratch areas and symlinks', async () => {
    const model = await readSpec({
      layers: twoLayers([
        { name: 'tmp', mode: 0o1777 },
        { name: 'tmp/x', content: 'x', mode: 0o666 },
        { name: 'var/tmp/y', content: 'y', mode: 0o666 },
        { name: 'dev/shm/z', content: 'z', mode: 0o666 },
        { name: 'srv/shared', mode: 0o1777 },
        { name: 'usr/bin/link', type: 'symlink', linkname: '/bin/sh', mode: 0o777 },
      ]),
      config: { config: goodConfig },
    });
    expect(run(worldWritable, model)).toEqual([]);
  });

  it('reports world-writable files and non-sticky directories with their layer', async () => {
    const model = await readSpec({
      layers: twoLayers([
        { name: 'app', mode: 0o777 },
        { name: 'app/config.yml', content: 'a: 1', mode: 0o666 },
        { name: 'tmpfoo/x', content: 'x', mode: 0o646 },
      ]),
      config: { config: goodConfig },
    });
    const findings = run(worldWritable, model);
    expect(findings.map((f) => [f.location.path, f.location.layer?.index])).toEqual([
      ['/app', 1],
      ['/app/config.yml', 1],
      ['/tmpfoo/x', 1],
    ]);
    expect(findings[0]?.message).toBe('directory /app is world-writable (mode 0777), written by layer 1 (RUN make)');
  });
});

describe('SS-IMG-007 SSH server or keys', () => {
  it('classifies paths', () => {
    expect(sshArtifact('/usr/sbin/sshd')?.what).toBe('SSH daemon');
    expect(sshArtifact('/etc/ssh/ssh_host_ed25519_key')?.severity).toBe('HIGH');
    expect(sshArtifact('/etc/ssh/ssh_host_ed25519_key.pub')).toBeUndefined();
    expect(sshArtifact('/home/app/.ssh/id_rsa')?.what).toBe('SSH user private key');
    expect(sshArtifact('/home/app/.ssh/id_rsa.pub')).toBeUndefined();
    expect(sshArtifact('/root/.ssh/authorized_keys')?.what).toBe('SSH authorized_keys');
    expect(sshArtifact('/usr/bin/ssh')).toBeUndefined();
  });

  it('passes an SSH client with public keys only', async () => {
    const model = await readSpec({
      layers: twoLayers([
        { name: 'usr/bin/ssh', content: 'ssh' },
        { name: 'home/app/.ssh/id_ed25519.pub', content: 'ssh-ed25519 AAAA' },
        { name: 'etc/ssh/ssh_config', content: '' },
      ]),
      config: { config: goodConfig },
    });
    expect(run(sshPresent, model)).toEqual([]);
  });

  it('reports sshd, host keys, user keys and authorized_keys, and a private key a later layer deleted', async () => {
    const model = await readSpec({
      layers: [
        ...twoLayers(
          [
            { name: 'usr/sbin/sshd', content: 'sshd', mode: 0o755 },
            { name: 'etc/ssh/ssh_host_rsa_key', content: 'k', mode: 0o600 },
            { name: 'root/.ssh/authorized_keys', content: 'ssh-rsa AAAA' },
            { name: 'home/app/.ssh/id_rsa', content: 'k', mode: 0o600 },
          ],
          'RUN apt-get install -y openssh-server',
        ),
        { items: [{ name: 'home/app/.ssh/.wh.id_rsa' }], createdBy: 'RUN rm /home/app/.ssh/id_rsa' },
      ],
      config: { config: goodConfig },
    });
    const findings = run(sshPresent, model);
    expect(findings.map((f) => [f.location.path, f.severity])).toEqual([
      ['/etc/ssh/ssh_host_rsa_key', 'HIGH'],
      ['/root/.ssh/authorized_keys', 'MEDIUM'],
      ['/usr/sbin/sshd', 'MEDIUM'],
      ['/home/app/.ssh/id_rsa', 'HIGH'],
    ]);
    expect(findings[3]?.message).toBe(
      "SSH user private key /home/app/.ssh/id_rsa written by layer 1 (RUN apt-get install -y openssh-server) and deleted by layer 2: it is still in the image's layers",
    );
  });
});
