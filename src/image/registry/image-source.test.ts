import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Diagnostics } from '../../core/diagnostics.js';
import { DigestMismatchError, ManifestError, NotFoundError } from '../../core/errors.js';
import { defaultLimits } from '../../core/limits.js';
import { digestOf } from '../digest.js';
import { MediaType } from '../media-types.js';
import { parseReference } from '../reference.js';
import type { SourceContext } from '../source.js';
import { FakeRegistry, startServer } from '../../test-support/registry.js';
import { RegistryImageSource } from './image-source.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

async function setup(): Promise<{ fake: FakeRegistry; host: string }> {
  const fake = new FakeRegistry();
  const server = await startServer(fake.handler);
  open.push(server);
  return { fake, host: server.host };
}

function source(reference: string): RegistryImageSource {
  const image = new RegistryImageSource(parseReference(reference), { plainHttp: true }, { retryDelayMs: 1 });
  open.push(image);
  return image;
}

function context(limits = defaultLimits): SourceContext {
  return { limits, diagnostics: new Diagnostics() };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const layers = [Buffer.from('base layer'), Buffer.from('app layer')];

describe('RegistryImageSource', () => {
  it('resolves a tag to a verified manifest, config and streamable layers', async () => {
    const { fake, host } = await setup();
    const image = fake.addImage('team/app', 'v1', layers);
    const resolved = await source(`${host}/team/app:v1`).resolve({}, context());
    expect(resolved).toMatchObject({
      source: 'registry',
      name: `${host}/team/app:v1`,
      reference: `${host}/team/app:v1`,
      manifestDigest: image.manifestDigest,
      indexDigest: undefined,
      manifestMediaType: MediaType.ociManifest,
      configDigest: image.configDigest,
      config: { os: 'linux', architecture: 'amd64' },
    });
    expect(resolved.layers.map((l) => [l.index, l.digest, l.size])).toEqual([
      [0, image.layerDigests[0], layers[0]?.length],
      [1, image.layerDigests[1], layers[1]?.length],
    ]);
    expect(resolved.layers[1]?.diffId).toBe(resolved.config.rootfs.diff_ids[1]);
    for (const [i, layer] of resolved.layers.entries()) expect(await readAll(await layer.open())).toEqual(layers[i]);
  });

  it('fetches by digest when the reference has one, keeping the tag for display', async () => {
    const { fake, host } = await setup();
    const image = fake.addImage('team/app', 'v1', layers);
    const reference = `${host}/team/app:gone@${image.manifestDigest}`;
    const resolved = await source(reference).resolve({}, context());
    expect(resolved.reference).toBe(reference);
    expect(resolved.manifestDigest).toBe(image.manifestDigest);
    expect(fake.requests.some((r) => r.path.endsWith(`/manifests/${image.manifestDigest}`))).toBe(true);
    expect(fake.requests.some((r) => r.path.endsWith('/manifests/gone'))).toBe(false);
  });

  it('selects the wanted platform from an index, and lists what exists when it is missing', async () => {
    const { fake, host } = await setup();
    const amd = fake.addImage('team/app', 'amd', [Buffer.from('amd64')]);
    const arm = fake.addImage('team/app', 'arm', [Buffer.from('arm64')], { os: 'linux', architecture: 'arm64' });
    const attestation = fake.addImage('team/app', 'att', [Buffer.from('att')]);
    const entry = (image: typeof amd, platform: object, annotations?: object): object => ({
      mediaType: MediaType.ociManifest,
      digest: image.manifestDigest,
      size: image.manifestSize,
      platform,
      ...(annotations ? { annotations } : {}),
    });
    const indexDigest = fake.addManifest(
      'team/app',
      ['multi'],
      {
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          entry(attestation, { os: 'unknown', architecture: 'unknown' }, { 'vnd.docker.reference.type': 'attestation-manifest' }),
          entry(amd, { os: 'linux', architecture: 'amd64' }),
          entry(arm, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
        ],
      },
      MediaType.ociIndex,
    );
    const multi = source(`${host}/team/app:multi`);
    expect(await multi.resolve({}, context())).toMatchObject({ manifestDigest: amd.manifestDigest, indexDigest });
    const resolvedArm = await multi.resolve({ platform: { os: 'linux', architecture: 'arm64' } }, context());
    expect(resolvedArm).toMatchObject({ manifestDigest: arm.manifestDigest, indexDigest, configDigest: arm.configDigest });

    const failure = multi.resolve({ platform: { os: 'linux', architecture: 's390x' } }, context());
    await expect(failure).rejects.toThrow(NotFoundError);
    await expect(failure).rejects.toThrow(/no image for platform linux\/s390x; it offers: linux\/amd64, linux\/arm64\/v8/);
  });

  it('checks the index entry size and refuses nested indexes', async () => {
    const { fake, host } = await setup();
    const amd = fake.addImage('team/app', 'amd', [Buffer.from('amd64')]);
    const index = (size: number): object => ({
      schemaVersion: 2,
      manifests: [{ mediaType: MediaType.ociManifest, digest: amd.manifestDigest, size, platform: { os: 'linux', architecture: 'amd64' } }],
    });
    fake.addManifest('team/app', ['bad-size'], index(amd.manifestSize + 1), MediaType.ociIndex);
    await expect(source(`${host}/team/app:bad-size`).resolve({}, context())).rejects.toThrow(/size mismatch/);

    const inner = fake.addManifest('team/app', [], index(amd.manifestSize), MediaType.ociIndex);
    const innerSize = fake.manifests.get(`team/app@${inner}`)?.body.length ?? 0;
    fake.addManifest(
      'team/app',
      ['nested'],
      { schemaVersion: 2, manifests: [{ mediaType: MediaType.ociIndex, digest: inner, size: innerSize, platform: { os: 'linux', architecture: 'amd64' } }] },
      MediaType.ociIndex,
    );
    await expect(source(`${host}/team/app:nested`).resolve({}, context())).rejects.toThrow(ManifestError);
  });

  it('refuses a config whose diff_ids do not match the layers, or whose bytes were altered', async () => {
    const { fake, host } = await setup();
    const image = fake.addImage('team/app', 'v1', layers);
    const config = JSON.parse(fake.blobs.get(image.configDigest)?.toString() ?? '{}') as { rootfs: { diff_ids: string[] } };
    config.rootfs.diff_ids.pop();
    const shortConfig = Buffer.from(JSON.stringify(config));
    fake.blobs.set(digestOf(shortConfig), shortConfig);
    const manifest = JSON.parse(fake.manifests.get('team/app:v1')?.body.toString() ?? '{}') as { config: { digest: string; size: number } };
    manifest.config = { ...manifest.config, digest: digestOf(shortConfig), size: shortConfig.length };
    fake.addManifest('team/app', ['short'], manifest);
    await expect(source(`${host}/team/app:short`).resolve({}, context())).rejects.toThrow(/lists 2 layers but the config has 1 rootfs.diff_ids/);

    fake.blobs.set(image.configDigest, Buffer.from(fake.blobs.get(image.configDigest)?.toString().replace('linux', 'LINUX') ?? ''));
    await expect(source(`${host}/team/app:v1`).resolve({}, context())).rejects.toThrow(DigestMismatchError);
  });

  it('refuses a manifest over the document limit', async () => {
    const { fake, host } = await setup();
    fake.addImage('team/app', 'v1', layers);
    await expect(source(`${host}/team/app:v1`).resolve({}, context({ ...defaultLimits, maxDocumentBytes: 64 }))).rejects.toThrow(
      /larger than the 64-byte limit/,
    );
  });

  it('refuses an asked-for platform that a single-platform image is not, and reads it as it is when none is asked for', async () => {
    const { fake, host } = await setup();
    fake.addImage('team/app', 'v1', layers);
    await expect(source(`${host}/team/app:v1`).resolve({ platform: { os: 'linux', architecture: 'arm64' } }, context())).rejects.toThrow(
      /has no image for platform linux\/arm64; it is a single-platform linux\/amd64 image/,
    );
    expect((await source(`${host}/team/app:v1`).resolve({ platform: { os: 'linux', architecture: 'amd64' } }, context())).config.architecture).toBe('amd64');
    expect((await source(`${host}/team/app:v1`).resolve({}, context())).config.architecture).toBe('amd64');
  });

  it('passes the signal of open() on, so a read can be cancelled', async () => {
    const { fake, host } = await setup();
    fake.addImage('team/app', 'v1', layers);
    const resolved = await source(`${host}/team/app:v1`).resolve({}, context());
    const controller = new AbortController();
    controller.abort();
    await expect(resolved.layers[0]?.open(controller.signal)).rejects.toThrow(/cancelled/);
  });
});
