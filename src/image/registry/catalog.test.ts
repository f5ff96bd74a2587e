import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, NotFoundError, RegistryError } from '../../core/errors.js';
import { MediaType } from '../media-types.js';
import {
  FakeRegistry,
  putBlob,
  putManifest,
  registryMissing,
  startRegistry,
  startServer,
  startTokenServer,
  type RunningRegistry,
  type TestServer,
} from '../../test-support/registry.js';
import { skipWhen } from '../../test-support/skip.js';
import { RegistryClient } from './client.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

/** How a fake catalog paginates. */
type Paging = 'link' | 'last-only' | 'ignores-n' | 'ignores-last';

interface FakeCatalog {
  server: TestServer;
  client: RegistryClient;
  /** `n` and `last` of each catalog request. */
  pages: { n: string | null; last: string | null }[];
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** A registry serving only `/v2/` and a sorted `/v2/_catalog` of `repositories`, paginated as `paging` says. */
async function fakeCatalog(repositories: string[], paging: Paging): Promise<FakeCatalog> {
  const sorted = [...repositories].sort();
  const pages: FakeCatalog['pages'] = [];
  const server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/') return json(res, 200, {});
    if (url.pathname !== '/v2/_catalog') return json(res, 404, { errors: [{ code: 'NAME_UNKNOWN' }] });
    const n = url.searchParams.get('n');
    const last = url.searchParams.get('last');
    pages.push({ n, last });
    if (paging === 'ignores-n') return json(res, 200, { repositories: sorted });
    const size = Number(n ?? sorted.length);
    const rest = last === null || paging === 'ignores-last' ? sorted : sorted.filter((name) => name > last);
    const page = rest.slice(0, size);
    const headers: Record<string, string> = {};
    if (paging === 'link' && rest.length > size) {
      headers.link = `</v2/_catalog?n=${size}&last=${encodeURIComponent(page[page.length - 1] ?? '')}>; rel="next"`;
    }
    json(res, 200, { repositories: page }, headers);
  });
  const client = new RegistryClient(server.host, { plainHttp: true }, { retryDelayMs: 1 });
  open.push(server, client);
  return { server, client, pages };
}

const names = (count: number, prefix = 'repo'): string[] => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

describe('listRepositories', () => {
  it('follows Link headers across pages', async () => {
    const { client, pages } = await fakeCatalog(names(25), 'link');
    expect(await client.listRepositories({ pageSize: 10 })).toEqual(names(25));
    expect(pages).toEqual([
      { n: '10', last: null },
      { n: '10', last: 'repo009' },
      { n: '10', last: 'repo019' },
    ]);
  });

  it('asks with last= when a full page comes without a Link, until a short page', async () => {
    const { client, pages } = await fakeCatalog(names(25), 'last-only');
    expect(await client.listRepositories({ pageSize: 10 })).toEqual(names(25));
    expect(pages.map((p) => p.last)).toEqual([null, 'repo009', 'repo019']);
  });

  it('ends after an empty page when the catalog size is a multiple of the page size', async () => {
    const { client, pages } = await fakeCatalog(names(20), 'last-only');
    expect(await client.listRepositories({ pageSize: 10 })).toEqual(names(20));
    expect(pages.map((p) => p.last)).toEqual([null, 'repo009', 'repo019']);
  });

  it('takes one answer from a registry that ignores n', async () => {
    const { client, pages } = await fakeCatalog(names(25), 'ignores-n');
    expect(await client.listRepositories({ pageSize: 10 })).toEqual(names(25));
    expect(pages).toHaveLength(1);
  });

  it('stops when a registry that ignores last repeats its first page', async () => {
    const { client, pages } = await fakeCatalog(names(25), 'ignores-last');
    expect(await client.listRepositories({ pageSize: 10 })).toEqual(names(10));
    expect(pages).toHaveLength(2);
  });

  it('sends n=100 by default', async () => {
    const { client, pages } = await fakeCatalog(names(3), 'link');
    expect(await client.listRepositories()).toEqual(names(3));
    expect(pages).toEqual([{ n: '100', last: null }]);
  });

  it('keeps repositories equal to the prefix or below it at a path boundary', async () => {
    const repositories = ['team', 'team/app', 'team/app/api', 'team-b/app', 'teamx/app', 'other/team/app', 'team/application'];
    const { client } = await fakeCatalog(repositories, 'link');
    expect(await client.listRepositories({ pageSize: 2, prefix: 'team' })).toEqual(['team', 'team/app', 'team/app/api', 'team/application']);
    expect(await client.listRepositories({ pageSize: 2, prefix: 'team/' })).toEqual(['team', 'team/app', 'team/app/api', 'team/application']);
    expect(await client.listRepositories({ pageSize: 2, prefix: 'team/app' })).toEqual(['team/app', 'team/app/api']);
    expect(await client.listRepositories({ prefix: 'nothing' })).toEqual([]);
    expect(await client.listRepositories({ prefix: '' })).toHaveLength(repositories.length);
  });

  it('refuses a next page on another origin', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/v2/') return json(res, 200, {});
      json(res, 200, { repositories: ['a'] }, { link: '<http://elsewhere.example/v2/_catalog?last=a>; rel="next"' });
    });
    const client = new RegistryClient(server.host, { plainHttp: true }, { retryDelayMs: 1 });
    open.push(server, client);
    await expect(client.listRepositories()).rejects.toThrow(/another origin/);
  });

  it('says why the catalog is refused, missing or malformed', async () => {
    let answer: { status: number; body: unknown } = { status: 401, body: { errors: [{ code: 'UNAUTHORIZED', message: 'no' }] } };
    const server = await startServer((req, res) => {
      if (req.url === '/v2/') return json(res, 200, {});
      json(res, answer.status, answer.body);
    });
    const client = new RegistryClient(server.host, { plainHttp: true }, { retryDelayMs: 1 });
    open.push(server, client);
    await expect(client.listRepositories()).rejects.toThrow(AuthError);
    answer = { status: 404, body: { errors: [{ code: 'NOT_FOUND' }] } };
    await expect(client.listRepositories()).rejects.toThrow(NotFoundError);
    answer = { status: 200, body: { repositories: 'not a list' } };
    await expect(client.listRepositories()).rejects.toThrow(RegistryError);
    answer = { status: 200, body: {} };
    expect(await client.listRepositories()).toEqual([]);
  });

  it('asks a bearer token service for the registry:catalog:* scope', async () => {
    const { server: upstream } = await fakeCatalog(['a/one', 'b/two'], 'link');
    const tokens = await startTokenServer({ upstream: upstream.url });
    const client = new RegistryClient(tokens.host, { plainHttp: true }, { retryDelayMs: 1 });
    open.push(tokens, client);
    expect(await client.listRepositories({ pageSize: 1 })).toEqual(['a/one', 'b/two']);
    expect(tokens.tokenRequests.map((r) => r.scope)).toEqual(['registry:catalog:*']);
  });
});

describe('listTags pagination', () => {
  it('follows Link headers for more tags than one page', async () => {
    const fake = new FakeRegistry();
    const server = await startServer(fake.handler);
    const client = new RegistryClient(server.host, { plainHttp: true }, { retryDelayMs: 1 });
    open.push(server, client);
    const tags = names(23, 'v');
    fake.addManifest('team/app', tags, { schemaVersion: 2, mediaType: MediaType.ociManifest, config: {}, layers: [] });
    expect(await client.listTags('team/app', { pageSize: 5 })).toEqual(tags);
    expect(fake.requests.filter((r) => r.path.includes('/tags/list')).map((r) => r.path)).toHaveLength(5);
  });

  it('asks with last= when a full page of tags comes without a Link', async () => {
    const fake = new FakeRegistry();
    const server = await startServer(fake.handler);
    const client = new RegistryClient(server.host, { plainHttp: true }, { retryDelayMs: 1 });
    open.push(server, client);
    const tags = names(12, 'v');
    fake.addManifest('team/app', tags, { schemaVersion: 2, mediaType: MediaType.ociManifest, config: {}, layers: [] });
    fake.intercept = (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!url.pathname.endsWith('/tags/list')) return false;
      const n = Number(url.searchParams.get('n'));
      const last = url.searchParams.get('last');
      json(res, 200, { name: 'team/app', tags: tags.filter((t) => last === null || t > last).slice(0, n) });
      return true;
    };
    expect(await client.listTags('team/app', { pageSize: 4 })).toEqual(tags);
    expect(fake.requests.map((r) => r.path).filter((p) => p.includes('/tags/list'))).toEqual([
      '/v2/team/app/tags/list?n=4',
      '/v2/team/app/tags/list?n=4&last=v003',
      '/v2/team/app/tags/list?n=4&last=v007',
      '/v2/team/app/tags/list?n=4&last=v011',
    ]);
  });
});

describe("catalog and tags against Debian's docker-registry", skipWhen(registryMissing()), () => {
  let registry: RunningRegistry;
  const repositories = ['alpha', 'team/api', 'team/web', 'team/web/admin', 'teamster/x'];
  const tags = ['1.0', '1.1', '2.0', 'latest', 'stable', 'edge', 'beta'];

  beforeAll(async () => {
    registry = await startRegistry();
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    for (const repository of repositories) {
      const digest = await putBlob(registry, repository, config);
      for (const tag of tags) {
        const manifest = {
          schemaVersion: 2,
          mediaType: MediaType.ociManifest,
          config: { mediaType: MediaType.ociConfig, digest, size: config.length },
          layers: [],
          annotations: { tag },
        };
        await putManifest(registry, repository, tag, manifest, MediaType.ociManifest);
      }
    }
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
  });

  it('lists the catalog page by page (the registry sends Link headers)', async () => {
    const client = new RegistryClient(registry.host, { plainHttp: true });
    open.push(client);
    expect(await client.listRepositories({ pageSize: 2 })).toEqual(repositories);
    expect(await client.listRepositories({ pageSize: 5 })).toEqual(repositories);
    expect(await client.listRepositories({ prefix: 'team' })).toEqual(['team/api', 'team/web', 'team/web/admin']);
    expect(await client.listRepositories({ prefix: 'team/web/' })).toEqual(['team/web', 'team/web/admin']);
  });

  it('lists every tag even though this registry ignores n on tag lists', async () => {
    const client = new RegistryClient(registry.host, { plainHttp: true });
    open.push(client);
    expect((await client.listTags('team/api', { pageSize: 3 })).sort()).toEqual([...tags].sort());
    expect((await client.listTags('team/api')).sort()).toEqual([...tags].sort());
  });

  it('lists the catalog through a bearer token service', async () => {
    const tokens = await startTokenServer({ upstream: registry.url });
    const client = new RegistryClient(tokens.host, { plainHttp: true });
    open.push(tokens, client);
    expect(await client.listRepositories({ pageSize: 2 })).toEqual(repositories);
    expect(new Set(tokens.tokenRequests.map((r) => r.scope))).toEqual(new Set(['registry:catalog:*']));
  });
});
