import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../core/errors.js';
import { FakeRegistry, startRelay, startServer, startTokenServer, type TestServer, type TokenServer } from '../../test-support/registry.js';
import { isOwnTokenService } from '../registry-hosts.js';
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

describe('a token realm on another host than the registry', () => {
  /** The registry answers on one port and names as its realm the token service on another: two origins. */
  async function split(
    options: Omit<Parameters<typeof startTokenServer>[0], 'upstream'> = {},
  ): Promise<{ registry: TestServer; tokens: TokenServer; digest: string }> {
    const { server, digest } = await fakeRegistry();
    const tokens = await tokenFront(server, options);
    const registry = await startRelay(tokens.url);
    open.push(registry);
    return { registry, tokens, digest };
  }

  it('gets no credentials unless the user allowed it: a clear error, and no request to the realm', async () => {
    const { registry, tokens } = await split({ users: { alice: 's3cret' } });
    const failure = client(registry.host, { username: 'alice', password: 's3cret' }).getManifest('team/app', 'v1');
    await expect(failure).rejects.toThrow(AuthError);
    const error = (await failure.catch((e: unknown) => e)) as AuthError;
    expect(error.message).toBe(
      `${registry.host}: its token realm ${tokens.realm} is on another host (${tokens.host}); refusing to send it the credentials from the command line`,
    );
    expect(error.hint).toBe(
      `if that host is this registry's token service, allow it: --allow-realm ${tokens.host} (allowRealm of the registry in shipshape.yaml), or log in to it with docker login`,
    );
    expect(`${error.message} ${error.hint ?? ''}`).not.toContain('s3cret');
    expect(tokens.tokenRequests).toEqual([]);
  });

  it('sends them when the realm host is allowed (--allow-realm), or when the Docker config names it', async () => {
    const allowed = await split({ users: { alice: 's3cret' } });
    const viaFlag = client(allowed.registry.host, { username: 'alice', password: 's3cret', allowRealms: [allowed.tokens.host] });
    expect((await viaFlag.getManifest('team/app', 'v1')).digest).toBe(allowed.digest);
    expect(allowed.tokens.tokenRequests.map((r) => r.user)).toEqual(['alice']);

    const listed = await split({ users: { alice: 's3cret' } });
    const dockerConfigPath = path.join(dir, 'realm-listed.json');
    const auth = Buffer.from('alice:s3cret').toString('base64');
    // `docker login` to the registry and to its token service: both are named
    await writeFile(dockerConfigPath, JSON.stringify({ auths: { [listed.registry.host]: { auth }, [`https://${listed.tokens.host}/v1/`]: { auth } } }));
    expect((await client(listed.registry.host, { dockerConfigPath }).getManifest('team/app', 'v1')).digest).toBe(listed.digest);
    expect(listed.tokens.tokenRequests.map((r) => r.user)).toEqual(['alice']);
  });

  it('refuses an identity token from the Docker config as well, when only the registry is named there', async () => {
    const { registry, tokens } = await split({ refreshTokens: ['refresh-abc'] });
    const dockerConfigPath = path.join(dir, 'realm-identity.json');
    await writeFile(dockerConfigPath, JSON.stringify({ auths: { [registry.host]: { identitytoken: 'refresh-abc' } } }));
    await expect(client(registry.host, { dockerConfigPath }).getManifest('team/app', 'v1')).rejects.toThrow(
      `refusing to send it the credentials from ${dockerConfigPath}`,
    );
    expect(tokens.tokenRequests).toEqual([]);
  });

  it('still gets an anonymous token there: without credentials there is nothing to leak', async () => {
    const { registry, tokens, digest } = await split();
    expect((await client(registry.host).getManifest('team/app', 'v1')).digest).toBe(digest);
    expect(tokens.tokenRequests).toEqual([{ method: 'GET', service: 'shipshape-test', scope: 'repository:team/app:pull', user: undefined }]);
  });

  it('never proposes a realm host that is not a plain host name as a command', async () => {
    const { fake, server } = await fakeRegistry();
    fake.intercept = (req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="https://a$(id)b.example/token",service="x"' }).end();
      return true;
    };
    const error = (await client(server.host, { username: 'alice', password: 's3cret' })
      .getManifest('team/app', 'v1')
      .catch((e: unknown) => e)) as AuthError;
    expect(error.message).toContain('is on another host (a$(id)b.example)');
    expect(error.hint).toBe(
      "if that host is this registry's token service, allow it: --allow-realm with its host (allowRealm of the registry in shipshape.yaml), or log in to it with docker login",
    );
  });

  it("knows the registries' own token services on other hosts (Docker Hub's, GitLab.com's), and only theirs", () => {
    expect(isOwnTokenService('docker.io', 'auth.docker.io')).toBe(true);
    expect(isOwnTokenService('index.docker.io', 'AUTH.docker.io')).toBe(true);
    expect(isOwnTokenService('registry.gitlab.com', 'gitlab.com')).toBe(true);
    expect(isOwnTokenService('registry.example.com', 'auth.docker.io')).toBe(false);
    expect(isOwnTokenService('docker.io', 'gitlab.com')).toBe(false);
    expect(isOwnTokenService('docker.io', 'auth.docker.io:8443')).toBe(false);
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
