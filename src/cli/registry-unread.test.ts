import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryScanReport } from '../distribute/model.js';
import { runCli, type CliRun } from '../test-support/cli.js';
import { buildImage, type BuiltImage, type TarItem } from '../test-support/image-builder.js';
import { FakeRegistry, startServer, type TestServer } from '../test-support/registry.js';

// Issue 14, classes 1 and 2 in `registry scan`: one repository whose image fails verification (a
// blob that does not match its digest, a config that claims another image's layer) is named as
// unread and fails the scan's exit code; every other repository is scanned completely, also when
// the forged image claims a layer the scan (or the layer cache) already holds.

let dir: string;
let fake: FakeRegistry;
let server: TestServer;
let digests: Record<string, string>;

const files = (name: string, content = name): TarItem[] => [
  { name: 'etc/' },
  { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.0\n' },
  { name: 'app/' },
  { name: `app/${name}`, content },
];

function push(repository: string, image: BuiltImage): void {
  fake.blobs.set(image.configDigest, image.config);
  for (const layer of image.layers) fake.blobs.set(layer.digest, layer.blob);
  digests[repository] = fake.addManifest(repository, ['1'], image.manifest);
}

const scan = (cacheDir: string): Promise<CliRun> =>
  runCli(['registry', 'scan', server.host, '--plain-http', '--no-history', '--scanners', 'secret', '-f', 'json', '--cache-dir', cacheDir, '--quiet'], {
    homedir: dir,
  });

const platformOf = (report: RegistryScanReport, repository: string) => report.repositories.find((r) => r.name === repository)?.images[0]?.platforms[0];

function expectComplete(report: RegistryScanReport, repository: string): void {
  const platform = platformOf(report, repository);
  expect(platform?.digest, repository).toBe(digests[repository]);
  expect(platform?.os, repository).toMatchObject({ id: 'alpine', version: '3.19.0' });
  // read: its layers found nothing, its config the builder's SECRET_TOKEN
  expect(
    platform?.secrets?.map((s) => s.path),
    repository,
  ).toEqual(['config:Env/SECRET_TOKEN']);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-registry-unread-'));
  fake = new FakeRegistry();
  digests = {};
  fake.intercept = (req, res) => {
    if (!req.url?.startsWith('/v2/_catalog')) return false;
    const repositories = [...new Set([...fake.manifests.keys()].map((key) => key.split(/[:@]/)[0]))].sort();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ repositories }));
    return true;
  };
  server = await startServer(fake.handler);
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('registry scan with one bad repository among good ones', () => {
  it('names the unread images, fails the exit code, and scans the rest completely (with a cold and a warm layer cache)', { timeout: 30_000 }, async () => {
    const good = await buildImage({ layers: [{ items: files('one') }] });
    push('good/one', good);
    push('good/two', await buildImage({ layers: [{ items: files('two') }] }));
    const cacheDir = path.join(dir, 'cache');
    const before = await scan(cacheDir);
    expect(before.code, before.stderr).toBe(0);
    expect((JSON.parse(before.stdout) as RegistryScanReport).unread).toEqual([]);

    // a blob served with other bytes than its digest names
    push('bad/blob', await buildImage({ layers: [{ items: files('blob'), tamper: (blob) => Buffer.concat([blob.subarray(0, -4), Buffer.from('XXXX')]) }] }));
    // a config that claims good/one's layer (now cached, and read in the same scan) over its own content
    const claimed = good.layers[0]?.diffId;
    push(
      'bad/claims',
      await buildImage({ layers: [{ items: files('evil', 'AKIAIOSFODNN7EXAMPLE') }], config: { rootfs: { type: 'layers', diff_ids: [claimed] } } }),
    );

    for (const [label, cache] of [
      ['warm cache', cacheDir],
      ['cold cache', path.join(dir, 'fresh')],
    ]) {
      const result = await scan(cache ?? '');
      expect(result.code, `${label}: ${result.stderr}`).toBe(2);
      const report = JSON.parse(result.stdout) as RegistryScanReport;
      expect(report.unread?.map((u) => u.where).sort(), label).toEqual([`bad/blob@${digests['bad/blob']}`, `bad/claims@${digests['bad/claims']}`]);
      expect(
        report.unread?.every((u) => /^the image could not be read: .*digest mismatch/.test(u.message)),
        label,
      ).toBe(true);
      for (const u of report.unread ?? []) expect(result.stderr, label).toContain(`shipshape: error: ${u.where}: the image could not be read`);
      expect(result.stderr, label).not.toMatch(/^\s+at /m);
      // what could not be read is unknown, never clean
      const forged = platformOf(report, 'bad/claims');
      expect(forged?.digest, label).toBe(digests['bad/claims']);
      expect([forged?.os, forged?.secrets], label).toEqual([undefined, undefined]);
      expect(
        report.repositories.map((r) => r.name),
        label,
      ).toEqual(['bad/blob', 'bad/claims', 'good/one', 'good/two']);
      expectComplete(report, 'good/one');
      expectComplete(report, 'good/two');
    }
  });
});
