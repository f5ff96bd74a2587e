import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, RegistryError } from '../../core/errors.js';
import { MediaType } from '../media-types.js';
import { FakeRegistry, startServer } from '../../test-support/registry.js';
import { RegistryClient } from './client.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

const subject = `sha256:${'a'.repeat(64)}`;
const notation = 'application/vnd.cncf.notary.signature';
const bundle = 'application/vnd.dev.sigstore.bundle.v0.3+json';

function entry(n: number, artifactType: string): { mediaType: string; digest: string; size: number; artifactType: string } {
  return { mediaType: MediaType.ociManifest, digest: `sha256:${String(n).padStart(64, '0')}`, size: 100 + n, artifactType };
}

type Answer = (url: URL, req: IncomingMessage, res: ServerResponse) => void;

/** A FakeRegistry whose referrers endpoint answers with `answer` (others: the fake's own 404). */
async function setup(answer?: Answer): Promise<{ fake: FakeRegistry; client: RegistryClient }> {
  const fake = new FakeRegistry();
  if (answer) {
    fake.intercept = (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!url.pathname.includes('/referrers/')) return false;
      answer(url, req, res);
      return true;
    };
  }
  const server = await startServer(fake.handler);
  const client = new RegistryClient(server.host, { plainHttp: true }, { retryDelayMs: 1, maxAttempts: 1 });
  open.push(server, client);
  return { fake, client };
}

function sendIndex(res: ServerResponse, manifests: object[], headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': MediaType.ociIndex, ...headers }).end(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
}

describe('getReferrers', () => {
  it('returns the index a registry with the referrers API answers, sending the index Accept header', async () => {
    let accept: string | undefined;
    const { fake, client } = await setup((_url, req, res) => {
      accept = req.headers.accept;
      sendIndex(res, [entry(1, notation)]);
    });
    const index = await client.getReferrers('team/app', subject);
    expect(index?.manifests.map((m) => m.artifactType)).toEqual([notation]);
    expect(accept).toBe(MediaType.ociIndex);
    expect(fake.requests.some((r) => r.path === `/v2/team/app/referrers/${subject}`)).toBe(true);
  });

  it('follows Link pagination and merges every page', async () => {
    const pages = [[entry(1, notation), entry(2, bundle)], [entry(3, notation)], [entry(4, bundle)]];
    const { fake, client } = await setup((url, _req, res) => {
      const page = Number(url.searchParams.get('page') ?? '0');
      const next: Record<string, string> = page + 1 < pages.length ? { link: `<${url.pathname}?page=${page + 1}>; rel="next"` } : {};
      sendIndex(res, pages[page] ?? [], next);
    });
    const index = await client.getReferrers('team/app', subject);
    expect(index?.manifests.map((m) => m.digest)).toEqual([1, 2, 3, 4].map((n) => entry(n, '').digest));
    expect(fake.requests.filter((r) => r.path.includes('/referrers/'))).toHaveLength(3);
  });

  it('returns undefined when the registry has no referrers API (404)', async () => {
    const { client } = await setup();
    await expect(client.getReferrers('team/app', subject)).resolves.toBeUndefined();
  });

  it('passes artifactType and filters itself when the registry did not (no OCI-Filters-Applied)', async () => {
    const asked: (string | null)[] = [];
    const { client } = await setup((url, _req, res) => {
      asked.push(url.searchParams.get('artifactType'));
      sendIndex(res, [entry(1, notation), entry(2, bundle)]);
    });
    const index = await client.getReferrers('team/app', subject, { artifactType: notation });
    expect(asked).toEqual([notation]);
    expect(index?.manifests.map((m) => m.artifactType)).toEqual([notation]);
  });

  it('trusts a registry that says it filtered', async () => {
    const { client } = await setup((_url, _req, res) => sendIndex(res, [entry(1, notation), entry(2, bundle)], { 'oci-filters-applied': 'artifactType' }));
    const index = await client.getReferrers('team/app', subject, { artifactType: notation });
    expect(index?.manifests).toHaveLength(2);
  });

  it('refuses garbage: non-JSON, HTML, a JSON body that is not an index', async () => {
    const bodies = ['this is not json', '<html><body>login</body></html>', JSON.stringify({ hello: 'world' })];
    for (const body of bodies) {
      const { client } = await setup((_url, _req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
      await expect(client.getReferrers('team/app', subject)).rejects.toThrow(RegistryError);
    }
  });

  it('reports server errors and denied access with typed errors', async () => {
    const { client } = await setup((_url, _req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('boom'));
    await expect(client.getReferrers('team/app', subject)).rejects.toThrow(/HTTP 500 for the referrers/);
    const denied = await setup((_url, _req, res) => res.writeHead(403, { 'content-type': 'application/json' }).end('{"errors":[{"code":"DENIED"}]}'));
    await expect(denied.client.getReferrers('team/app', subject)).rejects.toThrow(AuthError);
  });

  it('does not follow a next link to another origin', async () => {
    const { client } = await setup((_url, _req, res) => sendIndex(res, [entry(1, notation)], { link: '<http://elsewhere.example/v2/x>; rel="next"' }));
    await expect(client.getReferrers('team/app', subject)).rejects.toThrow(/another origin/);
  });

  it('refuses a malformed digest before making a request', async () => {
    const { fake, client } = await setup((_url, _req, res) => sendIndex(res, []));
    await expect(client.getReferrers('team/app', 'sha256:../../etc')).rejects.toThrow();
    expect(fake.requests.filter((r) => r.path.includes('/referrers/'))).toHaveLength(0);
  });
});
