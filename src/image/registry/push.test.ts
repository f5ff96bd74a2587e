import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../core/errors.js';
import { defaultLimits } from '../../core/limits.js';
import { digestOf } from '../digest.js';
import { MediaType } from '../media-types.js';
import { readImage } from '../read-image.js';
import { parseReference } from '../reference.js';
import { RegistryClient } from './client.js';
import { openRegistryImage } from './image-source.js';
import { buildImage, pushableOf, type BuiltImage } from '../../test-support/image-builder.js';
import { registryMissing, startRegistry, startServer, type RunningRegistry, type TestServer } from '../../test-support/registry.js';
import { skipWhen } from '../../test-support/skip.js';
import { pushImage, pushIndex, putManifest, RegistryPusher } from './push.js';

let first: BuiltImage;
let second: BuiltImage;

beforeAll(async () => {
  first = await buildImage({
    layers: [
      { createdBy: 'ADD rootfs', items: [{ name: 'etc/' }, { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.1\n' }] },
      { createdBy: 'RUN rm', compression: 'none', items: [{ name: 'etc/' }, { name: 'etc/.wh.os-release' }] },
    ],
  });
  second = await buildImage({
    layers: [{ createdBy: 'ADD other', items: [{ name: 'x', content: 'second\n' }] }],
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  });
});

describe("pushing to Debian's docker-registry", skipWhen(registryMissing({ auth: true })), () => {
  let plain: RunningRegistry;
  let locked: RunningRegistry;
  beforeAll(async () => {
    [plain, locked] = await Promise.all([startRegistry(), startRegistry({ htpasswd: 'ci:s3cret' })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([plain?.stop(), locked?.stop()]);
  });

  it('pushes an image that the client reads back exactly, layers and whiteouts included; a second push sends no blob', async () => {
    const options = { registry: plain.host, plainHttp: true };
    const result = await pushImage(options, 'team/app', '1.0', pushableOf(first));
    expect(result).toEqual({ digest: first.manifestDigest, blobsUploaded: 3, blobsSkipped: 0 });
    expect(await pushImage(options, 'team/app', '1.1', pushableOf(first))).toEqual({ digest: first.manifestDigest, blobsUploaded: 0, blobsSkipped: 3 });

    const client = new RegistryClient(plain.host, { plainHttp: true });
    try {
      const fetched = await client.getManifest('team/app', '1.0');
      expect(fetched.body.equals(first.manifest)).toBe(true);
      expect((await client.listTags('team/app')).sort()).toEqual(['1.0', '1.1']);
    } finally {
      await client.close();
    }
    const model = await readImage(openRegistryImage(parseReference(`${plain.host}/team/app:1.1`), { plainHttp: true }), {
      selection: {},
      limits: defaultLimits,
    });
    expect(model.layers.map((l) => l.blob.diffId)).toEqual(first.layers.map((l) => l.diffId));
    expect(model.layers[1]?.changes.deleted).toEqual(['/etc/os-release']);
  });

  it('pushes an index with its images, and a signature artefact by digest', async () => {
    const options = { registry: plain.host, plainHttp: true };
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          { mediaType: MediaType.ociManifest, digest: first.manifestDigest, size: first.manifest.length, platform: { os: 'linux', architecture: 'amd64' } },
          {
            mediaType: MediaType.ociManifest,
            digest: second.manifestDigest,
            size: second.manifest.length,
            platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
          },
        ],
      }),
    );
    const result = await pushIndex(options, 'team/multi', 'latest', {
      manifest: index,
      mediaType: MediaType.ociIndex,
      children: [pushableOf(first), pushableOf(second)],
    });
    expect(result.digest).toBe(digestOf(index));
    const client = new RegistryClient(plain.host, { plainHttp: true });
    try {
      expect((await client.getManifest('team/multi', 'latest')).document.kind).toBe('index');
      expect((await client.getManifest('team/multi', second.manifestDigest)).body.equals(second.manifest)).toBe(true);
      // a cosign-style signature: tag sha256-<hex>.sig pointing at a manifest whose layer is the payload
      const payload = Buffer.from(JSON.stringify({ critical: { image: { 'docker-manifest-digest': result.digest } } }));
      const config = Buffer.from('{}');
      const pusher = new RegistryPusher(options);
      try {
        await pusher.uploadBlob('team/multi', { digest: digestOf(payload), data: payload });
        await pusher.uploadBlob('team/multi', { digest: digestOf(config), data: config });
      } finally {
        await pusher.close();
      }
      const signature = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.ociManifest,
          config: { mediaType: MediaType.ociConfig, digest: digestOf(config), size: config.length },
          layers: [
            {
              mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
              digest: digestOf(payload),
              size: payload.length,
              annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQ==' },
            },
          ],
        }),
      );
      const tag = `${result.digest.replace(':', '-')}.sig`;
      expect(await putManifest(options, 'team/multi', tag, signature, MediaType.ociManifest)).toBe(digestOf(signature));
      expect((await client.headManifest('team/multi', tag)).digest).toBe(digestOf(signature));
      await expect(putManifest(options, 'team/multi', digestOf('other'), signature, MediaType.ociManifest)).rejects.toThrow(/not sha256:/);
    } finally {
      await client.close();
    }
  });

  it('authenticates with Basic credentials, and says so when they are wrong', async () => {
    const good = { registry: locked.host, plainHttp: true, username: 'ci', password: 's3cret' };
    expect((await pushImage(good, 'secure/app', 'v1', pushableOf(second))).digest).toBe(second.manifestDigest);
    const client = new RegistryClient(locked.host, good);
    try {
      expect(await client.listTags('secure/app')).toEqual(['v1']);
    } finally {
      await client.close();
    }
    const bad = pushImage({ ...good, password: 'wrong' }, 'secure/app', 'v2', pushableOf(first));
    await expect(bad).rejects.toBeInstanceOf(AuthError);
    await expect(bad).rejects.toThrow(/basic auth as user ci/);
  });
});

describe('upload locations', () => {
  let registry: TestServer;
  let storage: TestServer;
  const seen: { url: string; authorization: string | undefined; bytes: number }[] = [];
  const manifests: string[] = [];
  const authorization = `Basic ${Buffer.from('ci:s3cret').toString('base64')}`;

  beforeAll(async () => {
    // blobs go to another origin (object storage), which must never see the registry's credentials
    storage = await startServer(async (req, res) => {
      let bytes = 0;
      for await (const chunk of req) bytes += (chunk as Buffer).length;
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization, bytes });
      res.writeHead(201).end();
    });
    registry = await startServer(async (req, res) => {
      for await (const chunk of req) void chunk;
      if (req.headers.authorization !== authorization) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
        return;
      }
      const url = req.url ?? '';
      if (req.method === 'HEAD') res.writeHead(404).end();
      else if (req.method === 'POST' && url.includes('/other/')) res.writeHead(202, { location: `${storage.url}/upload/abc?state=x%3D1` }).end();
      else if (req.method === 'POST') res.writeHead(202, { location: '/v2/team/app/blobs/uploads/abc?_state=a%2Bb' }).end();
      else if (req.method === 'PUT' && url.includes('/manifests/')) {
        manifests.push(url);
        res.writeHead(201).end();
      } else if (req.method === 'PUT') {
        seen.push({ url, authorization: req.headers.authorization, bytes: 0 });
        res.writeHead(201).end();
      } else res.writeHead(200).end('{}');
    });
  });
  afterAll(async () => {
    await Promise.all([registry.close(), storage.close()]);
  });

  it('keeps the query string of a relative Location and adds the digest', async () => {
    seen.length = 0;
    await pushImage({ registry: registry.host, plainHttp: true, username: 'ci', password: 's3cret' }, 'team/app', 'v1', pushableOf(second));
    expect(seen.map((s) => s.url)).toEqual(
      [second.configDigest, ...second.layers.map((l) => l.digest)].map(
        (digest) => `/v2/team/app/blobs/uploads/abc?_state=a%2Bb&digest=${encodeURIComponent(digest)}`,
      ),
    );
    expect(seen.every((s) => s.authorization === authorization)).toBe(true);
    expect(manifests).toEqual(['/v2/team/app/manifests/v1']);
  });

  it('sends a blob to another origin without the credentials', async () => {
    seen.length = 0;
    await pushImage({ registry: registry.host, plainHttp: true, username: 'ci', password: 's3cret' }, 'team/other/app', 'v1', pushableOf(second));
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual({
      url: `/upload/abc?state=x%3D1&digest=${encodeURIComponent(second.configDigest)}`,
      authorization: undefined,
      bytes: second.config.length,
    });
    expect(seen.every((s) => s.authorization === undefined)).toBe(true);
  });
});
