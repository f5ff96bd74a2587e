import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { commandMissing } from './skip.js';

const run = promisify(execFile);

/**
 * Real containers made by Debian's buildah and podman, in a containers/storage store laid out under a
 * directory that stands for a host's `/` (`<root>/var/lib/containers/storage`, driver `vfs`, so no
 * kernel overlay or daemon is needed) — what `host scan --root <root>` reads. buildah runs commands in
 * its containers with `--isolation chroot`: the writable layer is changed by real processes.
 */
export interface StorageHost {
  root: string;
  /** The storage flags every buildah/podman command on this host's store takes. */
  storageArgs: string[];
  buildah(...args: string[]): Promise<string>;
  podman(...args: string[]): Promise<string>;
  remove(): Promise<void>;
}

/** Why the container tests cannot run here; root is needed for chroot isolation and vfs layers owned by root. */
export function containerToolsMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'buildah with chroot isolation needs root';
  return commandMissing('buildah') ?? commandMissing('podman') ?? commandMissing('dpkg-deb', 'dpkg');
}

export async function makeStorageHost(): Promise<StorageHost> {
  const root = await mkdtemp(path.join(tmpdir(), 'shipshape-host-'));
  const storage = ['--root', path.join(root, 'var/lib/containers/storage'), '--runroot', path.join(root, 'run/containers/storage'), '--storage-driver', 'vfs'];
  const tool =
    (command: string) =>
    async (...args: string[]): Promise<string> => {
      const { stdout } = await run(command, [...storage, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TMPDIR: path.join(root, 'tmp') } });
      return stdout;
    };
  await mkdir(path.join(root, 'tmp'), { recursive: true });
  return {
    root,
    storageArgs: storage,
    buildah: tool('buildah'),
    podman: tool('podman'),
    remove: async () => {
      // podman/buildah leave their storage lock and mounts; the whole tree goes
      await run('podman', [...storage, 'rm', '--all', '--force']).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A tiny real Debian package (`dpkg-deb --build`), installed by `dpkg -i` inside a container. */
export async function buildTinyDeb(dir: string, name: string, version: string): Promise<string> {
  const tree = path.join(dir, `${name}-pkg`);
  await mkdir(path.join(tree, 'DEBIAN'), { recursive: true });
  await mkdir(path.join(tree, 'usr/bin'), { recursive: true });
  await writeFile(
    path.join(tree, 'DEBIAN/control'),
    `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: Shipshape tests <tests@example.invalid>\nDescription: a package installed at run time\n`,
  );
  await writeFile(path.join(tree, `usr/bin/${name}`), '#!/bin/sh\necho hello\n');
  await chmod(path.join(tree, `usr/bin/${name}`), 0o755);
  const deb = path.join(dir, `${name}_${version}_all.deb`);
  await run('dpkg-deb', ['--root-owner-group', '--build', tree, deb]);
  return deb;
}
