import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostRoot, listBounded } from './root.js';

describe('a host root: host paths resolved inside it, never out of it', () => {
  let dir: string;
  let root: HostRoot;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-hostroot-'));
    root = new HostRoot(dir);
    await mkdir(path.join(dir, 'etc'), { recursive: true });
    await mkdir(path.join(dir, 'data/docker'), { recursive: true });
    await writeFile(path.join(dir, 'etc/passwd'), 'inside:x:0:0::/root:/bin/sh\n');
    await writeFile(path.join(dir, 'data/docker/daemon.json'), '{}');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('follows links as the host would, with absolute targets taken from the root', async () => {
    await mkdir(path.join(dir, 'var/lib'), { recursive: true });
    await symlink('/data/docker', path.join(dir, 'var/lib/docker'));
    expect((await root.readFile('/var/lib/docker/daemon.json', 1024))?.content.toString()).toBe('{}');
  });

  it("never reaches this machine's files, however the link is written", async () => {
    await symlink('/etc/passwd', path.join(dir, 'abs'));
    await symlink('../../../../../../../../etc/passwd', path.join(dir, 'up'));
    await mkdir(path.join(dir, 'deep/er'), { recursive: true });
    await symlink('../../../../../etc', path.join(dir, 'deep/er/etc'));
    for (const hostPath of ['/abs', '/up', '/deep/er/etc/passwd', '/../../../etc/passwd']) {
      expect((await root.readFile(hostPath, 1024))?.content.toString(), hostPath).toBe('inside:x:0:0::/root:/bin/sh\n');
    }
  });

  it('refuses link loops, FIFOs and files over their bound, in our words', async () => {
    await symlink('/b', path.join(dir, 'a'));
    await symlink('/a', path.join(dir, 'b'));
    await expect(root.readFile('/a', 1024)).rejects.toThrow(/too many levels of symbolic links/);
    execFileSync('mkfifo', [path.join(dir, 'etc/fifo')]);
    await expect(root.readFile('/etc/fifo', 1024)).rejects.toThrow(/not a regular file/);
    await expect(root.readFile('/etc/passwd', 4)).rejects.toThrow(/more than the 4-byte limit/);
    expect(await root.readFile('/etc/missing', 1024)).toBeUndefined();
  });

  it('lists a directory only up to its bound', async () => {
    for (let i = 0; i < 5; i++) await writeFile(path.join(dir, 'etc', `f${i}`), '');
    await expect(listBounded(path.join(dir, 'etc'), 3, '/etc')).rejects.toThrow(/more than 3 names/);
    expect(await root.list('/data')).toEqual(['docker']);
  });
});
