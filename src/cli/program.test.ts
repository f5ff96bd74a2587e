import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectReport } from '../report/inspect-json.js';
import { buildImage, dockerArchiveFiles, ociLayoutFiles, writeArchive, writeDirectory } from '../test-support/image-builder.js';
import { sharedAbsent, sharedPath } from '../test-support/shared.js';
import { skipWhen } from '../test-support/skip.js';
import { runCli } from '../test-support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const shipshape = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { env: { SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache'), ...env }, stdin: 'secret-from-stdin\n', homedir: path.join(dir, 'home') });

const spec = {
  layers: [
    { items: [{ name: 'etc/' }, { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' }, { name: 'usr/bin/su', content: 'su', mode: 0o4755 }] },
    { items: [{ name: 'etc/passwd', content: 'changed\n' }, { name: 'etc/.wh.shadow' }], createdBy: '/bin/sh -c #(nop)  COPY passwd /etc/passwd' },
  ],
  emptyHistoryAfter: { 1: ['/bin/sh -c #(nop)  USER app'] },
};

describe('shipshape image inspect', () => {
  it('prints the JSON contract: digest, platform, config (env names only) and layers with their changes', async () => {
    const image = await buildImage(spec);
    const layout = await writeDirectory(path.join(dir, 'layout'), ociLayoutFiles([{ image, refName: 'demo:1' }]));
    const { code, stdout, stderr } = await shipshape(['image', 'inspect', layout, '--format', 'json', '--files']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as InspectReport;
    expect(report).toMatchObject({
      digest: image.manifestDigest,
      digestOf: 'manifest',
      imageId: image.configDigest,
      reference: 'demo:1',
      platform: { os: 'linux', architecture: 'amd64' },
      config: { user: 'app', env: ['PATH', 'SECRET_TOKEN'], cmd: ['/bin/sh'], exposedPorts: ['8080/tcp'], labels: { team: 'a' } },
    });
    expect(stdout).not.toContain('hunter2');
    expect(report.layers.map((l) => [l.index, l.digest, l.diffId, l.mediaType, l.size, l.createdBy])).toEqual(
      image.layers.map((l, i) => [i, l.digest, l.diffId, l.mediaType, l.blob.length, i === 0 ? 'layer 0' : spec.layers[1]?.createdBy]),
    );
    expect(report.layers[1]).toMatchObject({
      instruction: 'COPY passwd /etc/passwd',
      counts: { added: 0, modified: 1, deleted: 1, opaqueDirs: 0 },
      added: [],
      modified: ['/etc/passwd'],
      deleted: ['/etc/shadow'],
    });
  });

  it('reads layers from the cache the second time: the blobs are not opened again', async () => {
    const image = await buildImage(spec);
    const layout = await writeDirectory(path.join(dir, 'cached'), ociLayoutFiles([{ image }]));
    const cacheDir = path.join(dir, 'fresh-cache');
    const first = JSON.parse((await shipshape(['image', 'inspect', layout, '-f', 'json', '--cache-dir', cacheDir])).stdout) as InspectReport;
    expect(first.layers.map((l) => l.fromCache)).toEqual([false, false]);
    // corrupt the stored layer: only a read of it would notice
    await writeFile(path.join(layout, 'blobs/sha256', image.layers[0]?.digest.slice(7) ?? ''), 'garbage');
    const second = await shipshape(['image', 'inspect', layout, '-f', 'json', '--cache-dir', cacheDir]);
    expect(second.code).toBe(0);
    expect((JSON.parse(second.stdout) as InspectReport).layers.map((l) => l.fromCache)).toEqual([true, true]);
    const third = await shipshape(['image', 'inspect', layout, '-f', 'json', '--no-cache']);
    expect(third.code).toBe(2);
    expect(third.stderr).toMatch(/^shipshape: error: layer 0 .*(digest|size) mismatch/);
  });

  it('writes nothing outside the cache directory', async () => {
    const image = await buildImage(spec);
    await mkdir(path.join(dir, 'quiet'));
    const archive = await writeArchive(path.join(dir, 'quiet', 'image.tar'), dockerArchiveFiles([{ image, tags: ['x:1'] }]));
    const cache = path.join(dir, 'quiet', 'cache');
    expect((await shipshape(['image', 'inspect', archive, '--cache-dir', cache])).code).toBe(0);
    expect((await readdir(path.join(dir, 'quiet'))).sort()).toEqual(['cache', 'image.tar']);
    expect(await readdir(path.join(cache))).toEqual(['layers']);
  });

  it('lists one layer with --layer N: marks, modes (setuid shown), sizes and paths', async () => {
    const image = await buildImage(spec);
    const layout = await writeDirectory(path.join(dir, 'layer-n'), ociLayoutFiles([{ image }]));
    const { code, stdout } = await shipshape(['image', 'inspect', layout, '--layer', '0']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^A\s+-rwsr-xr-x\s+2 B\s+\/usr\/bin\/su$/m);
    expect(stdout).toMatch(/^A\s+-rw-r--r--\s+26 B\s+\/etc\/passwd$/m);
    const missing = await shipshape(['image', 'inspect', layout, '--layer', '5']);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('there is no layer 5') });
  });

  it.each([
    [['image', 'inspect', '/no/such/file.tar'], /no such file/],
    [['image', 'inspect', 'team/UPPER:tag'], /not a valid image reference/],
    [['image', 'inspect', 'x', '--platform', 'linux'], /invalid platform/],
    [['image', 'inspect', 'x', '--max-layer-size', 'lots'], /argument 'lots' is invalid\. Expected a size/],
    [['image', 'inspect'], /missing required argument/],
    [['image', 'inspect', 'x', '--format', 'xml'], /invalid/],
    [['nonsense'], /unknown command/],
  ])('exits 2 with a clear message, no stack trace: %j', async (args, message) => {
    const { code, stderr } = await shipshape(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('prints help and the version with exit code 0', async () => {
    expect(await shipshape(['--version'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(await shipshape(['image', 'inspect', '--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('--platform') });
  });

  it('shows the real bullseye-app image: its five layers and the deleted secret', skipWhen(sharedAbsent), async () => {
    const { code, stdout } = await shipshape(['image', 'inspect', sharedPath('images', 'bullseye-app.oci.tar'), '--layer', '4']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^D\s+\/opt\/leaked\/credentials\.txt$/m);
    expect(stdout).toContain('133 deleted');
  });
});
