import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError } from '../core/errors.js';
import { digestOf } from '../image/digest.js';
import { MediaType } from '../image/media-types.js';
import { RegistryClient } from '../image/registry/client.js';
import { FakeRegistry, putBlob, putManifest, registryMissing, startRegistry, startServer, type RunningRegistry } from '../test-support/registry.js';
import { skipWhen } from '../test-support/skip.js';
import { resolveTags } from './tags.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

async function setup(): Promise<{ fake: FakeRegistry; client: RegistryClient }> {
  const fake = new FakeRegistry();
  const server = await startServer(fake.handler);
  const client = new RegistryClient(server.host, { plainHttp: true }, { retryDelayMs: 1 });
  open.push(server, client);
  return { fake, client };
}

const manifest = (n: number): object => ({
  schemaVersion: 2,
  mediaType: MediaType.ociManifest,
  config: { mediaType: MediaType.ociConfig, digest: digestOf(`config ${n}`), size: 8 },
  layers: [],
});

function methods(fake: FakeRegistry): string[] {
  return fake.requests.filter((r) => r.path.includes('/manifests/')).map((r) => `${r.method} ${r.path}`);
}

describe('resolveTags', () => {
  it('resolves with HEAD alone when the registry sends Docker-Content-Digest', async () => {
    const { fake, client } = await setup();
    const one = fake.addManifest('team/app', ['v1', 'latest'], manifest(1));
    const two = fake.addManifest('team/app', ['v2'], manifest(2));
    const index = fake.addManifest('team/app', ['multi'], { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }, MediaType.ociIndex);
    const result = await resolveTags(client, 'team/app', ['v1', 'v2', 'latest', 'multi'], { parallel: 2 });
    expect(result).toEqual({
      resolved: [
        { tag: 'v1', digest: one, mediaType: MediaType.ociManifest, movedFrom: undefined },
        { tag: 'v2', digest: two, mediaType: MediaType.ociManifest, movedFrom: undefined },
        { tag: 'latest', digest: one, mediaType: MediaType.ociManifest, movedFrom: undefined },
        { tag: 'multi', digest: index, mediaType: MediaType.ociIndex, movedFrom: undefined },
      ],
      diagnostics: [],
      unread: [],
    });
    expect(methods(fake).every((m) => m.startsWith('HEAD '))).toBe(true);
  });

  it('falls back to GET and hashes the manifest when HEAD carries no digest', async () => {
    const { fake, client } = await setup();
    const digest = fake.addManifest('team/app', ['v1'], manifest(1));
    fake.intercept = (req, res) => {
      if (req.method !== 'HEAD') return false;
      res.writeHead(200, { 'content-type': MediaType.ociManifest }).end();
      return true;
    };
    const result = await resolveTags(client, 'team/app', ['v1'], { parallel: 1 });
    expect(result.resolved).toEqual([{ tag: 'v1', digest, mediaType: MediaType.ociManifest, movedFrom: undefined }]);
    expect(methods(fake)).toEqual(['HEAD /v2/team/app/manifests/v1', 'GET /v2/team/app/manifests/v1']);
  });

  it('falls back to GET when HEAD is refused with 405 or answers a media type that is not a manifest', async () => {
    const { fake, client } = await setup();
    const one = fake.addManifest('team/app', ['v1'], manifest(1));
    const two = fake.addManifest('team/app', ['v2'], manifest(2));
    fake.intercept = (req, res) => {
      if (req.method !== 'HEAD') return false;
      if (req.url?.endsWith('/v1')) res.writeHead(405).end();
      else res.writeHead(200, { 'content-type': 'text/plain', 'docker-content-digest': two }).end();
      return true;
    };
    const result = await resolveTags(client, 'team/app', ['v1', 'v2'], { parallel: 1 });
    expect(result.resolved.map((t) => [t.tag, t.digest, t.mediaType])).toEqual([
      ['v1', one, MediaType.ociManifest],
      ['v2', two, MediaType.ociManifest],
    ]);
    expect(methods(fake).filter((m) => m.startsWith('GET '))).toHaveLength(2);
  });

  it('reports tags that vanished or cannot be read as diagnostics, in tag order', async () => {
    const { fake, client } = await setup();
    const good = fake.addManifest('team/app', ['good'], manifest(1));
    fake.addManifest('team/app', ['broken'], manifest(2));
    fake.intercept = (req, res) => {
      if (!req.url?.endsWith('/broken')) return false;
      if (req.method === 'HEAD') res.writeHead(200, { 'content-type': MediaType.ociManifest }).end();
      else res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN","message":"storage failure"}]}');
      return true;
    };
    const result = await resolveTags(client, 'team/app', ['gone', 'good', 'broken'], { parallel: 3 });
    expect(result.resolved).toEqual([{ tag: 'good', digest: good, mediaType: MediaType.ociManifest, movedFrom: undefined }]);
    expect(result.diagnostics).toHaveLength(2);
    expect(result.diagnostics[0]).toMatch(/^team\/app:gone: .*not found/);
    expect(result.diagnostics[1]).toMatch(/^team\/app:broken: .*HTTP 500.*storage failure/);
    // the tag that exists but could not be read is unread (the scan fails closed on it); the one gone since the listing is not
    expect(result.unread).toEqual([
      { where: 'team/app:broken', message: expect.stringMatching(/^the tag could not be resolved: .*storage failure/) as unknown },
    ]);
    // a tag that is not there is not fetched again with GET
    expect(methods(fake).filter((m) => m.endsWith('/gone'))).toEqual(['HEAD /v2/team/app/manifests/gone']);
  });

  it('keeps at most `parallel` requests in flight', async () => {
    const { fake } = await setup();
    const tags = Array.from({ length: 12 }, (_, i) => `t${i}`);
    fake.addManifest('team/app', tags, manifest(1));
    let inFlight = 0;
    let most = 0;
    const handler = fake.handler;
    const server = await startServer(async (req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await delay(15);
      inFlight--;
      await handler(req, res);
    });
    const slow = new RegistryClient(server.host, { plainHttp: true });
    open.push(server, slow);
    const result = await resolveTags(slow, 'team/app', tags, { parallel: 3 });
    expect(result.resolved).toHaveLength(12);
    expect(most).toBe(3);
  });

  it('stops on cancellation instead of turning it into diagnostics', async () => {
    const { fake, client } = await setup();
    fake.addManifest('team/app', ['v1', 'v2'], manifest(1));
    const controller = new AbortController();
    controller.abort();
    await expect(resolveTags(client, 'team/app', ['v1', 'v2'], { parallel: 1, signal: controller.signal })).rejects.toThrow(AbortedError);
  });
});

describe("resolveTags against Debian's docker-registry", skipWhen(registryMissing()), () => {
  let registry: RunningRegistry;
  const expected = new Map<string, { digest: string; mediaType: string }>();

  beforeAll(async () => {
    registry = await startRegistry();
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    const configDigest = await putBlob(registry, 'team/app', config);
    const image = (tag: string): object => ({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.length },
      layers: [],
      annotations: { tag },
    });
    for (const tag of ['1.0', '1.1']) {
      const document = image(tag);
      await putManifest(registry, 'team/app', tag, document, MediaType.ociManifest);
      expected.set(tag, { digest: digestOf(JSON.stringify(document)), mediaType: MediaType.ociManifest });
    }
    // `latest` moves onto 1.1's manifest; `multi` is an index over both
    await putManifest(registry, 'team/app', 'latest', image('1.1'), MediaType.ociManifest);
    expected.set('latest', expected.get('1.1') as { digest: string; mediaType: string });
    const index = {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: ['1.0', '1.1'].map((tag) => ({
        mediaType: MediaType.ociManifest,
        digest: expected.get(tag)?.digest,
        size: JSON.stringify(image(tag)).length,
        platform: { os: 'linux', architecture: tag === '1.0' ? 'amd64' : 'arm64' },
      })),
    };
    await putManifest(registry, 'team/app', 'multi', index, MediaType.ociIndex);
    expected.set('multi', { digest: digestOf(JSON.stringify(index)), mediaType: MediaType.ociIndex });
  }, 60_000);

  afterAll(async () => {
    await registry?.stop();
  });

  it('resolves every tag to the digest of what was pushed', async () => {
    const client = new RegistryClient(registry.host, { plainHttp: true });
    open.push(client);
    const tags = (await client.listTags('team/app')).sort();
    expect(tags).toEqual(['1.0', '1.1', 'latest', 'multi']);
    const result = await resolveTags(client, 'team/app', [...tags, 'missing'], { parallel: 2 });
    expect(result.resolved).toEqual(tags.map((tag) => ({ tag, ...expected.get(tag), movedFrom: undefined })));
    expect(result.diagnostics).toEqual([expect.stringMatching(/^team\/app:missing: .*not found/)]);
  });
});
