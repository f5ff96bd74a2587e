import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../core/limits.js';
import { readImage, type ImageModel } from '../image/read-image.js';
import { OciLayoutSource } from '../image/sources/oci-layout.js';
import { buildImage, ociLayoutFiles, writeDirectory, type ImageSpec } from '../test-support/image-builder.js';
import { sharedAbsent, sharedPath } from '../test-support/shared.js';
import { skipWhen } from '../test-support/skip.js';
import { readOciArchive } from '../test-support/images.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzers } from './analyzers/registry.js';
import { buildInventory } from './build.js';

async function readShared(name: string): Promise<ImageModel> {
  const file = sharedPath('images', `${name}.oci.tar`);
  return readOciArchive(file, analyzers);
}

async function readSpec(spec: ImageSpec): Promise<ImageModel> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shipshape-inventory-'));
  try {
    const layout = await writeDirectory(dir, ociLayoutFiles([{ image: await buildImage(spec) }]));
    return await readImage(new OciLayoutSource('oci-layout', layout, (await import('../image/sources/archive-files.js')).directoryFiles(layout)), {
      selection: {},
      limits: defaultLimits,
      visitors: analyzers,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const status = (...names: string[]) =>
  names.map((n) => `Package: ${n.split('=')[0]}\nStatus: install ok installed\nVersion: ${n.split('=')[1] ?? '1.0'}\nArchitecture: amd64\n`).join('\n');

describe('buildInventory: layer attribution', () => {
  it('attributes each package to the layer that added it, not the last one that rewrote the database', async () => {
    const model = await readSpec({
      layers: [
        {
          items: [
            { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
            { name: 'etc/debian_version', content: '12.5\n' },
            { name: 'var/lib/dpkg/status', content: status('base=1', 'libc=2') },
          ],
        },
        { items: [{ name: 'var/lib/dpkg/status', content: status('base=1', 'libc=2', 'curl=7') }], createdBy: 'RUN apt-get install curl' },
        { items: [{ name: 'var/lib/dpkg/status', content: status('base=1', 'libc=3', 'curl=7') }], createdBy: 'RUN apt-get upgrade' },
        { items: [{ name: 'var/lib/dpkg/status', content: status('base=1', 'libc=3', 'curl=7', 'old=1') }] },
        { items: [{ name: 'var/lib/dpkg/status', content: status('base=1', 'libc=3', 'curl=7') }], createdBy: 'RUN dpkg --purge old' },
      ],
    });
    const inventory = buildInventory(model);
    expect(inventory.os).toMatchObject({ id: 'debian', version: '12.5', distro: { id: 'debian' } });
    expect(inventory.packages.map((p) => [p.name, p.version, p.layer.index])).toEqual([
      ['base', '1', 0],
      ['curl', '7', 1],
      ['libc', '3', 2],
    ]);
    expect(inventory.packages[1]).toMatchObject({
      purl: 'pkg:deb/debian/curl@7?arch=amd64&distro=debian-12.5',
      path: '/var/lib/dpkg/status',
      layer: { createdBy: 'RUN apt-get install curl' },
    });
  });

  it('breaks the run when a layer deletes the database, and ignores databases later layers deleted', async () => {
    const model = await readSpec({
      layers: [
        {
          items: [
            { name: 'var/lib/dpkg/status', content: status('a=1') },
            { name: 'lib/apk/db/installed', content: 'P:x\nV:1\n' },
          ],
        },
        { items: [{ name: 'var/lib/dpkg/.wh.status' }, { name: 'lib/apk/db/.wh.installed' }] },
        { items: [{ name: 'var/lib/dpkg/status', content: status('a=1') }] },
      ],
    });
    const inventory = buildInventory(model);
    expect(inventory.packages.map((p) => [p.type, p.name, p.layer.index])).toEqual([['deb', 'a', 2]]);
  });
});

describe('buildInventory: corrupt package databases', () => {
  it('gives diagnostics naming the layer and path, keeps what could be read, and never throws', async () => {
    const model = await readSpec({
      layers: [
        { items: [{ name: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' }] },
        {
          items: [
            { name: 'var/lib/dpkg/status', content: `${status('good=1')}\nPackage: cut\nStatus: install ok installed\nVers` },
            { name: 'lib/apk/db/installed', content: 'P:ok\nV:1\n\ngarbage line\nV:2\n' },
          ],
        },
      ],
    });
    const inventory = buildInventory(model);
    expect(inventory.packages.map((p) => p.name)).toEqual(['good', 'ok']);
    const where = inventory.diagnostics.map((d) => d.where);
    expect(where).toContain('layer 1: /var/lib/dpkg/status');
    expect(where).toContain('layer 1: /lib/apk/db/installed');
    expect(inventory.diagnostics.every((d) => d.level === 'warning' && d.message.length > 0)).toBe(true);
  });

  it('does the same for a real rpm database cut in half', skipWhen(sharedAbsent), async () => {
    const rpmFixture = readFileSync(sharedPath('fixtures', 'rpmdb', 'libuuid-bdb', 'Packages'));
    const model = await readSpec({
      layers: [
        { items: [{ name: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' }] },
        { items: [{ name: 'var/lib/rpm/Packages', content: rpmFixture.subarray(0, Math.floor(rpmFixture.length / 2)) }] },
      ],
    });
    const inventory = buildInventory(model);
    expect(inventory.packages).toEqual([]);
    expect(inventory.diagnostics.map((d) => d.where)).toContain('layer 1: /var/lib/rpm/Packages');
    expect(inventory.diagnostics.every((d) => d.level === 'warning' && d.message.length > 0)).toBe(true);
  });
});

describe('the real images', skipWhen(sharedAbsent), () => {
  interface Expected {
    os_release: { fields: Record<string, string> };
    debian_version: string;
    dpkg: { packages: { name: string; version: string; source_name: string; source_version: string; architecture: string }[] };
  }
  const expectedOf = (name: string) => JSON.parse(readFileSync(sharedPath('images', `${name}.expected.json`), 'utf8')) as Expected;

  it.each(['debian-bookworm', 'bullseye-app'])('%s: the OS and every dpkg package equal the oracle ground truth', async (name) => {
    const expected = expectedOf(name);
    const inventory = buildInventory(await readShared(name));
    expect(inventory.os).toMatchObject({
      id: expected.os_release.fields.ID,
      version: expected.debian_version,
      codename: expected.os_release.fields.VERSION_CODENAME,
    });
    const debs = inventory.packages.filter((p) => p.type === 'deb');
    const key = (p: { name: string; version: string }) => `${p.name}=${p.version}`;
    expect(debs.map((p) => [p.name, p.version, p.source?.name, p.source?.version, p.arch]).sort()).toEqual(
      expected.dpkg.packages.map((p) => [p.name, p.version, p.source_name, p.source_version, p.architecture]).sort(),
    );
    expect(new Set(debs.map(key)).size).toBe(debs.length);
    expect(inventory.diagnostics).toEqual([]);
  });

  it('bullseye-app: base packages come from layer 0, the apt-get install from layer 1, and the purged openssl is gone', async () => {
    const inventory = buildInventory(await readShared('bullseye-app'));
    const layerOf = (name: string) => inventory.packages.find((p) => p.type === 'deb' && p.name === name)?.layer;
    expect(layerOf('base-files')?.index).toBe(0);
    expect(layerOf('curl')).toMatchObject({ index: 1, createdBy: expect.stringContaining('apt-get install') });
    expect(layerOf('libssl1.1')?.index).toBe(0); // debootstrap's minbase already has it
    expect(layerOf('python3-yaml')?.index).toBe(1);
    expect(layerOf('openssl')).toBeUndefined();
    const counts = inventory.packages
      .filter((p) => p.type === 'deb')
      .reduce<Record<number, number>>((acc, p) => ({ ...acc, [p.layer.index]: (acc[p.layer.index] ?? 0) + 1 }), {});
    expect(counts).toEqual({ 0: 96, 1: 26 });
  });

  it('bullseye-app: every npm package of the ground truth, from layer 2; PyYAML is owned by python3-yaml, so not counted twice', async () => {
    const expected = JSON.parse(readFileSync(sharedPath('images', 'bullseye-app.expected.json'), 'utf8')) as {
      npm: { packages: { name: string; version: string; path: string }[] };
      python: { packages: { name: string; version: string; path: string }[] };
    };
    const inventory = buildInventory(await readShared('bullseye-app'));
    const npm = inventory.packages.filter((p) => p.type === 'npm');
    expect(npm.map((p) => [p.name, p.version, p.location]).sort()).toEqual(expected.npm.packages.map((p) => [p.name, p.version, p.path]).sort());
    expect(new Set(npm.map((p) => p.layer.index))).toEqual(new Set([2]));
    expect(inventory.suppressed.map((s) => [s.package.name, s.package.version, s.package.path, s.ownedBy])).toEqual(
      expected.python.packages.map((p) => [p.name, p.version, p.path, 'python3-yaml']),
    );
  });
});
