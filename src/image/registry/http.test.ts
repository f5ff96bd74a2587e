import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, LimitExceededError, NetworkError, RegistryError, TlsError, UsageError } from '../../core/errors.js';
import { freePort, makeSelfSignedCert, startServer, type TestServer } from '../../test-support/registry.js';
import { commandMissing, skipWhen } from '../../test-support/skip.js';
import { HttpTransport, readBody, type TransportOptions } from './http.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, tls?: { key: string; cert: string }): Promise<TestServer> {
  const server = await startServer(handler, tls);
  open.push(server);
  return server;
}

function transport(options: Partial<TransportOptions> & { registryHost: string }): HttpTransport {
  const http = new HttpTransport({ retryDelayMs: 1, ...options });
  open.push(http);
  return http;
}

describe('redirects', () => {
  it('follows a redirect to another origin without the Authorization header', async () => {
    const seen: (string | undefined)[] = [];
    const storage = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.end('blob bytes');
    });
    const registry = await serve((req, res) => {
      seen.push(req.headers.authorization);
      // localhost and 127.0.0.1 are different origins, as object storage would be.
      res.writeHead(307, { location: `http://localhost:${storage.port}/bucket/blob?sig=1` }).end();
    });
    const http = transport({ registryHost: registry.host });
    const response = await http.send({ method: 'GET', url: new URL(`${registry.url}/v2/a/blobs/x`), authorization: 'Bearer secret' });
    expect(response.status).toBe(200);
    expect(response.url.href).toBe(`http://localhost:${storage.port}/bucket/blob?sig=1`);
    expect(await response.body.text()).toBe('blob bytes');
    expect(seen).toEqual(['Bearer secret', undefined]);
  });

  it('keeps the Authorization header on a same-origin redirect, and drops it for good once it left', async () => {
    const seen: (string | undefined)[] = [];
    const back = { url: '' };
    const other = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(302, { location: `${back.url}/final` }).end();
    });
    const registry = await serve((req, res) => {
      seen.push(req.headers.authorization);
      if (req.url === '/start') res.writeHead(301, { location: '/moved' }).end();
      else if (req.url === '/moved') res.writeHead(308, { location: `http://localhost:${other.port}/elsewhere` }).end();
      else res.end('ok');
    });
    back.url = registry.url;
    const http = transport({ registryHost: registry.host });
    const response = await http.send({ method: 'GET', url: new URL(`${registry.url}/start`), authorization: 'Basic abc' });
    expect(await response.body.text()).toBe('ok');
    expect(seen).toEqual(['Basic abc', 'Basic abc', undefined, undefined]);
  });

  it('stops after 5 redirects', async () => {
    const server = await serve((req, res) => res.writeHead(302, { location: `/loop${req.url ?? ''}` }).end());
    const http = transport({ registryHost: server.host });
    await expect(http.send({ method: 'GET', url: new URL(`${server.url}/x`) })).rejects.toThrow(/more than 5 redirects/);
  });

  it('refuses a redirect without Location', async () => {
    const server = await serve((_req, res) => res.writeHead(302).end());
    const http = transport({ registryHost: server.host });
    await expect(http.send({ method: 'GET', url: new URL(server.url) })).rejects.toThrow(RegistryError);
  });
});

describe('retries', () => {
  it('retries GET on 503 and 429, then succeeds', async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(503).end('busy');
      else if (calls === 2) res.writeHead(429, { 'retry-after': '0' }).end();
      else res.end('ok');
    });
    const response = await transport({ registryHost: server.host }).send({ method: 'GET', url: new URL(server.url) });
    expect(response.status).toBe(200);
    expect(calls).toBe(3);
  });

  it('gives up after 3 tries and returns the last answer; never retries POST', async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls++;
      res.writeHead(502).end();
    });
    const http = transport({ registryHost: server.host });
    expect((await http.send({ method: 'GET', url: new URL(server.url) })).status).toBe(502);
    expect(calls).toBe(3);
    expect((await http.send({ method: 'POST', url: new URL(server.url), body: 'x' })).status).toBe(502);
    expect(calls).toBe(4);
  });

  it('maps a refused connection to a NetworkError naming the host, after retrying', async () => {
    const port = await freePort();
    const http = transport({ registryHost: `127.0.0.1:${port}` });
    const failure = http.send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/v2/`) });
    await expect(failure).rejects.toThrow(NetworkError);
    await expect(failure).rejects.toThrow(`connection refused by 127.0.0.1:${port}`);
  });

  it('times out a server that never answers', async () => {
    const server = await serve(() => undefined);
    const http = transport({ registryHost: server.host, timeoutMs: 200, maxAttempts: 1 });
    await expect(http.send({ method: 'GET', url: new URL(server.url) })).rejects.toThrow(/timed out talking to 127\.0\.0\.1/);
  });

  it('stops at once when aborted', async () => {
    const server = await serve(() => undefined);
    const http = transport({ registryHost: server.host });
    const controller = new AbortController();
    const pending = http.send({ method: 'GET', url: new URL(server.url), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow(AbortedError);
  });
});

describe('readBody', () => {
  it('refuses bodies over the limit, declared or streamed', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/declared') res.writeHead(200, { 'content-length': 100 }).end('x'.repeat(100));
      else {
        res.write('x'.repeat(60));
        res.end('x'.repeat(60));
      }
    });
    const http = transport({ registryHost: server.host });
    for (const path of ['/declared', '/chunked']) {
      const response = await http.send({ method: 'GET', url: new URL(`${server.url}${path}`) });
      await expect(readBody(response, 50, 'the document')).rejects.toThrow(LimitExceededError);
    }
  });
});

describe('TLS', skipWhen(commandMissing('openssl')), () => {
  let tls: Awaited<ReturnType<typeof makeSelfSignedCert>>;
  beforeAll(async () => {
    tls = await makeSelfSignedCert();
  });
  afterAll(async () => {
    await rm(tls.dir, { recursive: true, force: true });
  });

  it('refuses an unknown certificate with a TlsError hinting at --ca-file and --insecure', async () => {
    const server = await serve((_req, res) => res.end('ok'), tls);
    const failure = transport({ registryHost: server.host }).send({ method: 'GET', url: new URL(server.url) });
    await expect(failure).rejects.toThrow(TlsError);
    await expect(failure).rejects.toMatchObject({ hint: expect.stringMatching(/--ca-file.*--insecure/) });
    await expect(failure).rejects.toThrow(server.host);
  });

  it('trusts a CA file, or skips verification when insecure', async () => {
    const server = await serve((_req, res) => res.end('ok'), tls);
    const withCa = transport({ registryHost: server.host, caFiles: [tls.certFile] });
    expect((await withCa.send({ method: 'GET', url: new URL(server.url) })).status).toBe(200);
    const insecure = transport({ registryHost: server.host, insecure: true });
    expect((await insecure.send({ method: 'GET', url: new URL(server.url) })).status).toBe(200);
  });

  it('relaxes verification for the registry host only, not for where it redirects', async () => {
    const storage = await serve((_req, res) => res.end('blob'), tls);
    const registry = await serve((_req, res) => res.writeHead(307, { location: `https://localhost:${storage.port}/b` }).end(), tls);
    const http = transport({ registryHost: registry.host, insecure: true });
    await expect(http.send({ method: 'GET', url: new URL(registry.url) })).rejects.toThrow(TlsError);
  });

  it('refuses a redirect from HTTPS to HTTP', async () => {
    const plain = await serve((_req, res) => res.end('blob'));
    const registry = await serve((_req, res) => res.writeHead(302, { location: `${plain.url}/b` }).end(), tls);
    const http = transport({ registryHost: registry.host, caFiles: [tls.certFile] });
    await expect(http.send({ method: 'GET', url: new URL(registry.url) })).rejects.toThrow(/refusing the downgrade/);
  });

  it('says when the server does not speak TLS', async () => {
    const plain = await serve((_req, res) => res.end('ok'));
    const failure = transport({ registryHost: plain.host, maxAttempts: 1 }).send({ method: 'GET', url: new URL(`https://${plain.host}/`) });
    await expect(failure).rejects.toThrow(TlsError);
    await expect(failure).rejects.toMatchObject({ hint: expect.stringMatching(/--plain-http/) });
  });

  it('refuses an unreadable or non-PEM CA file', () => {
    expect(() => new HttpTransport({ registryHost: 'x', caFiles: ['/nonexistent/ca.pem'] })).toThrow(UsageError);
    expect(() => new HttpTransport({ registryHost: 'x', caFiles: ['/etc/hostname'] })).toThrow(/no PEM certificate/);
  });
});
