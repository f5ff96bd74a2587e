import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { DigestMismatchError, LimitExceededError, NotFoundError, RegistryError, SizeMismatchError, UnsupportedError } from '../../core/errors.js';
import { digestOf } from '../digest.js';
import { MediaType } from '../media-types.js';
import { FakeRegistry, startServer, type TestServer } from '../../test-support/registry.js';
import { RegistryClient } from './client.js';
import type { RegistryOptions } from './options.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

async function setup(options: RegistryOptions = {}): Promise<{ fake: FakeRegistry; server: TestServer; registry: RegistryClient }> {
  const fake = new FakeRegistry();
  const server = await startServer(fake.handler);
  const registry = new RegistryClient(server.host, { plainHttp: true, ...options }, { retryDelayMs: 1 });
  open.push(server, registry);
  return { fake, server, registry };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const layer = Buffer.from('layer bytes '.repeat(1000));

describe('getManifest', () => {
  it('fetches by tag and by digest, with the digest verified', async () => {
    const { fake, registry } = await setup();
    const image = fake.addImage('team/app', 'v1', [layer]);
    const byTag = await registry.getManifest('team/app', 'v1');
    expect(byTag.digest).toBe(image.manifestDigest);
    expect(byTag.mediaType).toBe(MediaType.ociManifest);
    expect(byTag.document.kind).toBe('manifest');
    const byDigest = await registry.getManifest('team/app', image.manifestDigest, { expectedSize: image.manifestSize });
    expect(byDigest.digest).toBe(image.manifestDigest);
    expect(fake.requests.find((r) => r.path.includes('/manifests/'))).toBeDefined();
  });

  it('refuses a body that does not hash to the digest asked for', async () => {
    const { fake, registry } = await setup();
    const image = fake.addImage('team/app', 'v1', [layer]);
    const entry = fake.manifests.get(`team/app@${image.manifestDigest}`);
    if (!entry) throw new Error('fixture');
    entry.body = Buffer.from(entry.body.toString().replace('"schemaVersion":2', '"schemaVersion": 2'));
    await expect(registry.getManifest('team/app', image.manifestDigest)).rejects.toThrow(DigestMismatchError);
  });

  it('checks Docker-Content-Digest against the body when fetching by tag', async () => {
    const { fake, registry } = await setup();
    fake.addImage('team/app', 'v1', [layer]);
    fake.intercept = (req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      const body = fake.manifests.get('team/app:v1')?.body;
      res.writeHead(200, { 'content-type': MediaType.ociManifest, 'docker-content-digest': digestOf('something else') }).end(body);
      return true;
    };
    await expect(registry.getManifest('team/app', 'v1')).rejects.toThrow(DigestMismatchError);
  });

  it('uses the sha256 of the body when the registry sends no digest header', async () => {
    const { fake, registry } = await setup();
    const image = fake.addImage('team/app', 'v1', [layer]);
    fake.intercept = (req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.writeHead(200, { 'content-type': MediaType.ociManifest }).end(fake.manifests.get('team/app:v1')?.body);
      return true;
    };
    expect((await registry.getManifest('team/app', 'v1')).digest).toBe(image.manifestDigest);
  });

  it('says when the registry answers HTML', async () => {
    const { fake, registry } = await setup();
    fake.intercept = (req, res) => {
      if (req.url === '/v2/') return false;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html><body>Sign in</body></html>');
      return true;
    };
    await expect(registry.getManifest('team/app', 'v1')).rejects.toThrow(/answered HTML, not a manifest/);
  });

  it('says when the registry answers something that is not JSON', async () => {
    const { fake, registry } = await setup();
    fake.addManifest('team/app', ['v1'], Buffer.from('{"schemaVersion": 2, "config": '));
    const failure = registry.getManifest('team/app', 'v1');
    await expect(failure).rejects.toThrow(RegistryError);
    await expect(failure).rejects.toThrow(/not JSON/);
  });

  it('refuses schema1 manifests', async () => {
    const { fake, registry } = await setup();
    fake.addManifest('team/app', ['old'], { schemaVersion: 1, name: 'team/app', tag: 'old', fsLayers: [] }, MediaType.dockerManifestSchema1Signed);
    await expect(registry.getManifest('team/app', 'old')).rejects.toThrow(UnsupportedError);
  });

  it('refuses manifests over the document limit', async () => {
    const { fake, registry } = await setup();
    fake.addImage('team/app', 'v1', [layer]);
    await expect(registry.getManifest('team/app', 'v1', { maxBytes: 100 })).rejects.toThrow(LimitExceededError);
  });

  it('maps 404 to NotFoundError naming the repository and tag, other statuses to RegistryError', async () => {
    const { fake, server, registry } = await setup();
    await expect(registry.getManifest('team/app', 'nope')).rejects.toThrow(NotFoundError);
    await expect(registry.getManifest('team/app', 'nope')).rejects.toThrow(`${server.host}/team/app:nope: not found`);
    fake.intercept = (req, res) => {
      if (req.url === '/v2/') return false;
      res.writeHead(500).end('oops');
      return true;
    };
    await expect(registry.getManifest('team/app', 'v1')).rejects.toThrow(/answered HTTP 500 for the manifest/);
  });
});

describe('headManifest and listTags', () => {
  it('HEADs a manifest', async () => {
    const { fake, registry } = await setup();
    const image = fake.addImage('team/app', 'v1', [layer]);
    expect(await registry.headManifest('team/app', 'v1')).toEqual({
      digest: image.manifestDigest,
      mediaType: MediaType.ociManifest,
      size: image.manifestSize,
    });
    await expect(registry.headManifest('team/app', 'v2')).rejects.toThrow(NotFoundError);
  });

  it('lists tags across Link-paginated pages', async () => {
    const { fake, registry } = await setup();
    for (const tag of ['a', 'b', 'c', 'd', 'e']) fake.addImage('team/app', tag, [Buffer.from(tag)]);
    expect(await registry.listTags('team/app', { pageSize: 2 })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(fake.requests.filter((r) => r.path.includes('/tags/list')).map((r) => r.path)).toEqual([
      '/v2/team/app/tags/list?n=2',
      '/v2/team/app/tags/list?n=2&last=b',
      '/v2/team/app/tags/list?n=2&last=d',
    ]);
    await expect(registry.listTags('other')).rejects.toThrow(NotFoundError);
  });

  it('does not follow tag pages to another origin', async () => {
    const { fake, registry } = await setup();
    fake.intercept = (req, res) => {
      if (!req.url?.includes('/tags/list')) return false;
      res.writeHead(200, { link: '<https://elsewhere.example/v2/x/tags/list?last=a>; rel="next"' }).end('{"name":"x","tags":["a"]}');
      return true;
    };
    await expect(registry.listTags('x')).rejects.toThrow(/another origin/);
  });
});

describe('blobs', () => {
  it('streams a blob verified against its descriptor', async () => {
    const { fake, registry } = await setup();
    const image = fake.addImage('team/app', 'v1', [layer]);
    const stream = await registry.openBlob('team/app', { digest: image.layerDigests[0] ?? '', size: layer.length });
    expect((await readAll(stream)).equals(layer)).toBe(true);
  });

  it('fails the stream at its end when the served bytes were altered', async () => {
    const { fake, registry } = await setup();
    const image = fake.addImage('team/app', 'v1', [layer]);
    const digest = image.layerDigests[0] ?? '';
    fake.blobs.set(digest, Buffer.from(layer.toString().replace('layer', 'LAYER')));
    const stream = await registry.openBlob('team/app', { digest, size: layer.length });
    await expect(readAll(stream)).rejects.toThrow(DigestMismatchError);
  });

  it('refuses a blob whose length differs from the descriptor', async () => {
    const { fake, registry } = await setup();
    const image = fake.addImage('team/app', 'v1', [layer]);
    const digest = image.layerDigests[0] ?? '';
    fake.blobs.set(digest, layer.subarray(1));
    await expect(registry.openBlob('team/app', { digest, size: layer.length })).rejects.toThrow(SizeMismatchError);
  });

  it('says the manifest points to a missing blob', async () => {
    const { fake, registry } = await setup();
    const image = fake.addImage('team/app', 'v1', [layer]);
    fake.blobs.delete(image.layerDigests[0] ?? '');
    await expect(registry.openBlob('team/app', { digest: image.layerDigests[0] ?? '', size: layer.length })).rejects.toThrow(
      /manifest points to a missing blob sha256:/,
    );
  });

  it('follows a redirect to storage on another origin without sending credentials there', async () => {
    const { fake, server, registry } = await setup({ username: 'bob', password: 'hunter2' });
    fake.basic = { user: 'bob', password: 'hunter2' };
    const image = fake.addImage('team/app', 'v1', [layer]);
    const storageAuth: (string | undefined)[] = [];
    const storage = await startServer((req, res) => {
      storageAuth.push(req.headers.authorization);
      res.end(layer);
    });
    open.push(storage);
    fake.intercept = (req, res) => {
      if (!req.url?.includes('/blobs/')) return false;
      res.writeHead(307, { location: `http://localhost:${storage.port}/bucket/${image.layerDigests[0] ?? ''}?X-Amz-Signature=abc` }).end();
      return true;
    };
    const stream = await registry.openBlob('team/app', { digest: image.layerDigests[0] ?? '', size: layer.length });
    expect((await readAll(stream)).equals(layer)).toBe(true);
    expect(storageAuth).toEqual([undefined]);
    expect(fake.requests.find((r) => r.path.includes('/blobs/'))?.authorization).toMatch(/^Basic /);
    expect(server.host).not.toContain('localhost');
  });

  it('reads and verifies a small blob into memory', async () => {
    const { fake, registry } = await setup();
    const image = fake.addImage('team/app', 'v1', [layer]);
    const config = await registry.getBlob('team/app', { digest: image.configDigest });
    expect(digestOf(config)).toBe(image.configDigest);
    await expect(registry.getBlob('team/app', { digest: image.layerDigests[0] ?? '' }, { maxBytes: 10 })).rejects.toThrow(LimitExceededError);
  });
});
