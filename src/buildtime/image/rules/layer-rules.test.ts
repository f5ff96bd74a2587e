import { describe, expect, it } from 'vitest';
import { goodConfig, readSpec, run, twoLayers } from '../test-rules.js';
import { addRemoteUrl, remoteAddSources } from './add-remote-url.js';
import { mutableBase } from './mutable-base.js';
import { packageCaches } from './package-caches.js';
import { wastedSpace } from './wasted-space.js';

const MiB = 1024 * 1024;

describe('SS-IMG-006 package manager caches', () => {
  it('passes cleaned caches (apt lock and partial/ stay after a clean)', async () => {
    const model = await readSpec({
      layers: twoLayers([
        { name: 'var/lib/apt/lists/lock', content: '' },
        { name: 'var/lib/apt/lists/partial', mode: 0o700 },
        { name: 'var/cache/apt/archives/partial', mode: 0o700 },
        { name: 'var/cache/apk', mode: 0o755 },
        { name: 'usr/lib/x.deb.txt', content: 'not a cache' },
      ]),
      config: { config: goodConfig },
    });
    expect(run(packageCaches, model)).toEqual([]);
  });

  it('reports each cache per layer with its file count and size, deleted ones included', async () => {
    const model = await readSpec({
      layers: [
        ...twoLayers(
          [
            { name: 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease', content: Buffer.alloc(2048) },
            { name: 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4', content: Buffer.alloc(1024) },
            { name: 'var/cache/apt/archives/curl_7.88_amd64.deb', content: Buffer.alloc(512) },
            { name: 'root/.cache/pip/http/a/b', content: Buffer.alloc(100) },
          ],
          '/bin/sh -c apt-get update && apt-get install -y curl',
        ),
        {
          items: [{ name: 'var/cache/apt/archives/.wh.curl_7.88_amd64.deb' }, { name: 'root/.npm/_cacache/index-v5/00/x', content: 'y' }],
          createdBy: 'RUN npm ci && rm /var/cache/apt/archives/*.deb',
        },
      ],
      config: { config: goodConfig },
    });
    const findings = run(packageCaches, model);
    expect(findings.map((f) => [f.location.layer?.index, f.location.path])).toEqual([
      [1, '/var/cache/apt/archives'],
      [1, '/var/lib/apt/lists'],
      [1, '/root/.cache/pip'],
      [2, '/root/.npm/_cacache'],
    ]);
    expect(findings[1]?.message).toBe(
      'apt package lists in /var/lib/apt/lists: 2 files, 3.0 KiB, left by layer 1 (RUN apt-get update && apt-get install -y curl)',
    );
    expect(findings[0]?.message).toContain('1 file, 512 B');
    expect(findings[0]?.message).toContain('a later layer deletes them, but the bytes still ship in this layer');
  });
});

describe('SS-IMG-009 large file deleted later', () => {
  const layers = (size: number) => [
    ...twoLayers(
      [
        { name: 'opt/installer.tar', content: Buffer.alloc(size) },
        { name: 'opt/conf', content: Buffer.alloc(size) },
      ],
      'COPY installer.tar /opt/',
    ),
    { items: [{ name: 'opt/.wh.installer.tar' }, { name: 'opt/conf', content: 'small' }], createdBy: 'RUN rm /opt/installer.tar' },
  ];

  it('passes files under the threshold and large files kept', async () => {
    expect(run(wastedSpace, await readSpec({ layers: layers(10 * MiB - 1), config: { config: goodConfig } }))).toEqual([]);
    const kept = await readSpec({ layers: twoLayers([{ name: 'opt/big', content: Buffer.alloc(20 * MiB) }]), config: { config: goodConfig } });
    expect(run(wastedSpace, kept)).toEqual([]);
  });

  it('reports a file of 10 MiB or more deleted or overwritten later, with both layers and the size', async () => {
    const model = await readSpec({ layers: layers(10 * MiB), config: { config: goodConfig } });
    const findings = run(wastedSpace, model);
    expect(findings.map((f) => [f.location.path, f.location.layer?.index]).sort()).toEqual([
      ['/opt/conf', 1],
      ['/opt/installer.tar', 1],
    ]);
    expect(findings.map((f) => f.message).sort()).toEqual([
      '/opt/conf (10 MiB) is written by layer 1 (COPY installer.tar /opt/) and overwritten by layer 2 (RUN rm /opt/installer.tar); its 10 MiB still ship in layer 1',
      '/opt/installer.tar (10 MiB) is written by layer 1 (COPY installer.tar /opt/) and deleted by layer 2 (RUN rm /opt/installer.tar); its 10 MiB still ship in layer 1',
    ]);
  });

  it('takes the threshold from the context', async () => {
    const model = await readSpec({ layers: layers(2000), config: { config: goodConfig } });
    expect(run(wastedSpace, model)).toEqual([]);
    expect(run(wastedSpace, model, { wasteThresholdBytes: 1000 })).toHaveLength(2);
  });
});

describe('SS-IMG-008 ADD of a remote URL', () => {
  it('reads the sources of ADD instructions', () => {
    expect(remoteAddSources('ADD https://example.com/a.tgz /opt/')).toEqual({ urls: ['https://example.com/a.tgz'], checksum: false });
    expect(remoteAddSources('ADD --checksum=sha256:abc http://x/y /y')).toEqual({ urls: ['http://x/y'], checksum: true });
    expect(remoteAddSources('ADD ["https://x/y", "/y"]')).toEqual({ urls: ['https://x/y'], checksum: false });
    expect(remoteAddSources('ADD file:93d62ae in /opt/a')).toBeUndefined();
    expect(remoteAddSources('COPY https://x /y')).toBeUndefined();
  });

  it('passes local ADD and COPY, reports ADD of a URL with its layer', async () => {
    const good = await readSpec({
      layers: twoLayers([{ name: 'opt/a', content: 'a' }], '/bin/sh -c #(nop) ADD file:93d62ae in /opt/a '),
      config: { config: goodConfig },
    });
    expect(run(addRemoteUrl, good)).toEqual([]);
    const bad = await readSpec({
      layers: twoLayers([{ name: 'opt/tool.tgz', content: 'a' }], 'ADD https://example.com/tool.tgz /opt/ # buildkit'),
      config: { config: goodConfig },
    });
    expect(run(addRemoteUrl, bad)).toEqual([
      expect.objectContaining({
        ruleId: 'SS-IMG-008',
        severity: 'MEDIUM',
        message: 'ADD downloads https://example.com/tool.tgz in layer 1 without a checksum',
        location: { layer: expect.objectContaining({ index: 1 }) },
      }),
    ]);
  });
});

describe('SS-IMG-005 mutable base', () => {
  const layers = twoLayers([{ name: 'app/run', content: 'x' }]);
  const withBase = (name: string | undefined) =>
    readSpec({ layers, config: { config: { ...goodConfig, Labels: name === undefined ? {} : { 'org.opencontainers.image.base.name': name } } } });

  it('passes a versioned tag or a digest', async () => {
    for (const name of [
      'docker.io/library/debian:12.5',
      'debian@sha256:' + 'a'.repeat(64),
      'localhost:5000/base:1',
      'debian:latest@sha256:' + 'b'.repeat(64),
    ]) {
      expect(run(mutableBase, await withBase(name)), name).toEqual([]);
    }
  });

  it('reports latest and a missing tag, and says when the base is unknown', async () => {
    expect(run(mutableBase, await withBase('docker.io/library/debian:latest')).map((f) => [f.severity, f.message])).toEqual([
      ['MEDIUM', 'the base image docker.io/library/debian:latest is referenced by the tag `latest`'],
    ]);
    expect(run(mutableBase, await withBase('localhost:5000/base')).map((f) => f.message)).toEqual([
      'the base image localhost:5000/base is referenced by no tag (so `latest`)',
    ]);
    const unknown = run(mutableBase, await withBase(undefined));
    expect(unknown).toEqual([expect.objectContaining({ severity: 'LOW', message: expect.stringContaining('the base image is unknown') })]);
  });
});
