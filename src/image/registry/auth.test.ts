import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../core/errors.js';
import { FakeRegistry, startServer, startTokenServer, type TestServer, type TokenServer } from '../../test-support/registry.js';
import { Authenticator, pullScope } from './auth.js';
import { RegistryClient } from './client.js';
import { HttpTransport } from './http.js';
import type { RegistryOptions } from './options.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-auth-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fakeRegistry(): Promise<{ fake: FakeRegistry; server: TestServer; digest: string }> {
  const fake = new FakeRegistry();
  const { manifestDigest } = fake.addImage('team/app', 'v1', [Buffer.from('layer')]);
  const server = await startServer(fake.handler);
  open.push(server);
  return { fake, server, digest: manifestDigest };
}

async function tokenFront(upstream: TestServer, options: Omit<Parameters<typeof startTokenServer>[0], 'upstream'> = {}): Promise<TokenServer> {
  const server = await startTokenServer({ upstream: upstream.url, ...options });
  open.push(server);
  return server;
}

function client(host: string, options: RegistryOptions = {}): RegistryClient {
  const c = new RegistryClient(host, { plainHttp: true, ...options }, { retryDelayMs: 1 });
  open.push(c);
  return c;
}

describe('bearer token flow', () => {
  it('gets an anonymous token for the repository scope and service, caches it, and refreshes it once on a 401', async () => {
    const { server, digest } = await fakeRegistry();
    const tokens = await tokenFront(server, { service: 'my-service' });
    const registry = client(tokens.host);
    expect((await registry.getManifest('team/app', 'v1')).digest).toBe(digest);
    expect((await registry.getManifest('team/app', digest)).digest).toBe(digest);
    expect(tokens.tokenRequests).toEqual([{ method: 'GET', service: 'my-service', scope: 'repository:team/app:pull', user: undefined }]);

    tokens.revokeTokens(); // as if it had expired early
    expect((await registry.getManifest('team/app', 'v1')).digest).toBe(digest);
    expect(tokens.tokenRequests).toHaveLength(2);
  });

  it('sends Basic credentials to the realm and accepts access_token', async () => {
    const { server, digest } = await fakeRegistry();
    const tokens = await tokenFront(server, { users: { alice: 's3cret' }, tokenField: 'access_token' });
    const registry = client(tokens.host, { username: 'alice', password: 's3cret' });
    expect((await registry.getManifest('team/app', 'v1')).digest).toBe(digest);
    expect(tokens.tokenRequests.map((r) => r.user)).toEqual(['alice']);
  });

  it('says which realm and user were refused, never the password', async () => {
    const { server } = await fakeRegistry();
    const tokens = await tokenFront(server, { users: { alice: 's3cret' } });
    const failure = client(tokens.host, { username: 'alice', password: 'wrong-password' }).getManifest('team/app', 'v1');
    await expect(failure).rejects.toThrow(AuthError);
    const error = (await failure.catch((e: unknown) => e)) as AuthError;
    expect(error.message).toContain(tokens.host);
    expect(error.message).toContain(`a bearer token from realm ${tokens.realm} as user alice`);
    expect(`${error.message} ${error.hint ?? ''}`).not.toContain('wrong-password');
  });

  it('uses an identity token through the OAuth2 refresh-token grant', async () => {
    const { server, digest } = await fakeRegistry();
    const tokens = await tokenFront(server, { refreshTokens: ['refresh-abc'] });
    const dockerConfigPath = path.join(dir, 'identity.json');
    await writeFile(dockerConfigPath, JSON.stringify({ auths: { [tokens.host]: { identitytoken: 'refresh-abc' } } }));
    expect((await client(tokens.host, { dockerConfigPath }).getManifest('team/app', 'v1')).digest).toBe(digest);
    expect(tokens.tokenRequests).toEqual([{ method: 'POST', service: 'shipshape-test', scope: 'repository:team/app:pull', user: undefined }]);
  });

  it('refuses to send credentials to a plain-HTTP realm unless plain HTTP was asked for', async () => {
    const { server } = await fakeRegistry();
    const tokens = await tokenFront(server);
    const http = new HttpTransport({ registryHost: tokens.host });
    open.push(http);
    const authenticator = (plainHttp: boolean): Authenticator =>
      new Authenticator({
        registry: tokens.host,
        baseUrl: new URL(tokens.url),
        http,
        plainHttp,
        credentials: () => Promise.resolve({ kind: 'basic', username: 'a', password: 'b', source: 'test' }),
      });
    const scope = pullScope('team/app');
    await expect(authenticator(false).authorization(scope)).rejects.toThrow(/refusing to send credentials to the plain-HTTP token realm/);
    expect(await authenticator(true).authorization(scope)).toMatch(/^Bearer /);
  });
});

describe('basic auth', () => {
  it('sends credentials from the options, or from a docker config file', async () => {
    const { fake, server, digest } = await fakeRegistry();
    fake.basic = { user: 'bob', password: 'hunter2' };
    expect((await client(server.host, { username: 'bob', password: 'hunter2' }).getManifest('team/app', 'v1')).digest).toBe(digest);
    expect(fake.requests.at(-1)?.authorization).toBe(`Basic ${Buffer.from('bob:hunter2').toString('base64')}`);

    const dockerConfigPath = path.join(dir, 'basic.json');
    const auth = Buffer.from('bob:hunter2').toString('base64');
    await writeFile(dockerConfigPath, JSON.stringify({ auths: { [`http://${server.host}`]: { auth } } }));
    expect((await client(server.host, { dockerConfigPath }).getManifest('team/app', 'v1')).digest).toBe(digest);
  });

  it('names the registry and the user on failure, never the password', async () => {
    const { fake, server } = await fakeRegistry();
    fake.basic = { user: 'bob', password: 'hunter2' };
    const failure = client(server.host, { username: 'bob', password: 'not-hunter2' }).getManifest('team/app', 'v1');
    await expect(failure).rejects.toThrow(AuthError);
    await expect(failure).rejects.toThrow(`${server.host}: access to team/app denied (HTTP 401) with basic auth as user bob`);
    await expect(failure).rejects.not.toThrow(/not-hunter2/);
  });

  it('says anonymous access was tried when there are no credentials', async () => {
    const { fake, server } = await fakeRegistry();
    fake.basic = { user: 'bob', password: 'hunter2' };
    await expect(client(server.host).getManifest('team/app', 'v1')).rejects.toThrow(/denied \(HTTP 401\) with anonymous access \(no credentials found/);
  });

  it('maps 403 to an AuthError too', async () => {
    const { fake, server } = await fakeRegistry();
    fake.intercept = (req, res) => {
      if (req.url === '/v2/') return false;
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}');
      return true;
    };
    await expect(client(server.host).getManifest('team/app', 'v1')).rejects.toThrow(/denied \(HTTP 403\) with anonymous access: DENIED requested access/);
  });
});
