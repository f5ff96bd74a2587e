import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, NotFoundError } from '../core/errors.js';
import { defaultLimits } from '../core/limits.js';
import { digestOf } from '../image/digest.js';
import { MediaType } from '../image/media-types.js';
import { readImage } from '../image/read-image.js';
import { parseReference } from '../image/reference.js';
import { RegistryClient } from '../image/registry/client.js';
import { openRegistryImage } from '../image/registry/image-source.js';
import { pushImage, putManifest, RegistryPusher } from '../image/registry/push.js';
import { commandMissing, skipWhen } from '../test-support/skip.js';
import { assembleImage, makeLayer, type BuiltImage } from './image.js';
import { emptyChanges } from './file-tree.js';
import { startDemoRegistry, type DemoRegistry } from './registry-server.js';
import { rewriteRegistry } from '../distribute/registry-alias.js';

const run = promisify(execFile);
let registry: DemoRegistry;
let image: BuiltImage;

async function smallImage(text: string): Promise<BuiltImage> {
  const changes = emptyChanges();
  changes.added.set('hello.txt', { type: 'file', content: Buffer.from(text), mode: 0o644, uid: 0, gid: 0 });
  const layer = await makeLayer(changes, new Map(), new Date('2024-01-01T00:00:00Z'));
  return assembleImage(
    {
      architecture: 'amd64',
      config: { Cmd: ['cat', '/hello.txt'] },
      created: '2024-01-01T00:00:00Z',
      history: [{ created: '2024-01-01T00:00:00Z', created_by: 'COPY hello.txt / # buildkit' }],
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
    },
    [layer],
    new Map(changes.added),
  );
}

beforeAll(async () => {
  registry = await startDemoRegistry({ referrers: true });
  image = await smallImage('hello\n');
  const pusher = new RegistryPusher({ registry: registry.host, plainHttp: true });
  try {
    for (const name of ['team/a', 'team/b', 'team/c']) await pusher.pushImage(name, 'v1', image);
    for (const tag of ['v2', 'v3', 'latest']) await pusher.pushImage('team/a', tag, image);
  } finally {
    await pusher.close();
  }
});

afterAll(async () => {
  await registry.close();
});

describe("the demo registry, read by the project's own client", () => {
  it('serves manifests by tag and digest, blobs, and tag lists page by page', async () => {
    const client = new RegistryClient(registry.host, { plainHttp: true });
    try {
      const byTag = await client.getManifest('team/a', 'v2');
      expect(byTag.digest).toBe(image.digest);
      expect(byTag.body.equals(image.manifest)).toBe(true);
      expect(byTag.mediaType).toBe(MediaType.ociManifest);
      expect((await client.headManifest('team/a', image.digest)).size).toBe(image.manifest.length);
      expect((await client.getBlob('team/a', { digest: image.configDigest })).equals(image.config)).toBe(true);
      expect(await client.listTags('team/a', { pageSize: 2 })).toEqual(['latest', 'v1', 'v2', 'v3']);
      await expect(client.getManifest('team/a', 'nope')).rejects.toBeInstanceOf(NotFoundError);
      await expect(client.listTags('team/none')).rejects.toBeInstanceOf(NotFoundError);
    } finally {
      await client.close();
    }
    const model = await readImage(openRegistryImage(parseReference(`${registry.host}/team/b:v1`), { plainHttp: true }), {
      selection: {},
      limits: defaultLimits,
    });
    expect(model.view.get('/hello.txt')).toBeDefined();
    expect(model.layers[0]?.history?.created_by).toBe('COPY hello.txt / # buildkit');
  });

  it('pages the catalog with n and last, with a Link to the next page', async () => {
    const first = await fetch(`${registry.url}/v2/_catalog?n=2`);
    expect(await first.json()).toEqual({ repositories: ['team/a', 'team/b'] });
    expect(first.headers.get('link')).toBe('</v2/_catalog?n=2&last=team%2Fb>; rel="next"');
    const next = await fetch(new URL(/<([^>]+)>/.exec(first.headers.get('link') ?? '')?.[1] ?? '', registry.url));
    expect(await next.json()).toEqual({ repositories: ['team/c'] });
    expect(next.headers.get('link')).toBeNull();
  });

  it('verifies uploads: a blob whose bytes do not hash to the digest is refused', async () => {
    const start = await fetch(`${registry.url}/v2/team/a/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    const location = new URL(start.headers.get('location') ?? '', registry.url);
    const put = await fetch(`${location.href}?digest=${digestOf('something else')}`, { method: 'PUT', body: 'this' });
    expect(put.status).toBe(400);
    expect(await put.json()).toMatchObject({ errors: [{ code: 'DIGEST_INVALID' }] });
    // and a manifest naming a blob the repository lacks is refused too
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: digestOf('nope'), size: 4 },
      layers: [],
    });
    const refused = await fetch(`${registry.url}/v2/team/a/manifests/bad`, {
      method: 'PUT',
      body: manifest,
      headers: { 'content-type': MediaType.ociManifest },
    });
    expect(refused.status).toBe(400);
  });

  it('answers the referrers API with the artefacts whose subject is the image', async () => {
    const config = Buffer.from('{}');
    const options = { registry: registry.host, plainHttp: true };
    const pusher = new RegistryPusher(options);
    try {
      await pusher.uploadBlob('team/a', { digest: digestOf(config), data: config });
    } finally {
      await pusher.close();
    }
    const signature = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(config), size: config.length },
        layers: [],
        subject: { mediaType: MediaType.ociManifest, digest: image.digest, size: image.manifest.length },
      }),
    );
    const digest = await putManifest(options, 'team/a', digestOf(signature), signature, MediaType.ociManifest);
    const answer = await fetch(`${registry.url}/v2/team/a/referrers/${image.digest}`);
    expect(await answer.json()).toMatchObject({ manifests: [{ digest, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' }] });
    const filtered = await fetch(`${registry.url}/v2/team/a/referrers/${image.digest}?artifactType=application/x-other`);
    expect(await filtered.json()).toMatchObject({ manifests: [] });
    const without = await startDemoRegistry();
    try {
      expect((await fetch(`${without.url}/v2/team/a/referrers/${image.digest}`)).status).toBe(404);
    } finally {
      await without.close();
    }
  });

  it('asks for Basic credentials when configured', async () => {
    const locked = await startDemoRegistry({ basic: { username: 'ci', password: 's3cret' } });
    try {
      await expect(pushImage({ registry: locked.host, plainHttp: true, username: 'ci', password: 'wrong' }, 'x/y', '1', image)).rejects.toBeInstanceOf(
        AuthError,
      );
      const options = { registry: locked.host, plainHttp: true, username: 'ci', password: 's3cret' };
      const pusher = new RegistryPusher(options);
      try {
        expect((await pusher.pushImage('x/y', '1', image)).digest).toBe(image.digest);
      } finally {
        await pusher.close();
      }
      const client = new RegistryClient(locked.host, options);
      try {
        expect(await client.listTags('x/y')).toEqual(['1']);
      } finally {
        await client.close();
      }
    } finally {
      await locked.close();
    }
  });

  it('is readable by skopeo', skipWhen(commandMissing('skopeo')), async () => {
    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${registry.host}/team/a:v1`], { timeout: 60_000 });
    const inspected = JSON.parse(stdout) as { Digest: string; Layers: string[]; RepoTags: string[] };
    expect(inspected.Digest).toBe(image.digest);
    expect(inspected.Layers).toEqual(image.layers.map((l) => l.digest));
    expect(inspected.RepoTags).toEqual(['latest', 'v1', 'v2', 'v3']);
  });
});

describe('rewriteRegistry', () => {
  it('relabels a whole host in strings and keys, not a longer port or another host', () => {
    const report = {
      registry: '127.0.0.1:5000',
      images: ['127.0.0.1:5000/shop/api:1', '127.0.0.1:50001/x:1', 'http://127.0.0.1:5000/v2/', 'a127.0.0.1:5000/x'],
      tags: { '127.0.0.1:5000/shop/api': 1 },
      n: 3,
    };
    expect(rewriteRegistry(report, '127.0.0.1:5000', 'registry.shop.internal')).toEqual({
      registry: 'registry.shop.internal',
      images: ['registry.shop.internal/shop/api:1', '127.0.0.1:50001/x:1', 'http://registry.shop.internal/v2/', 'a127.0.0.1:5000/x'],
      tags: { 'registry.shop.internal/shop/api': 1 },
      n: 3,
    });
  });
});
