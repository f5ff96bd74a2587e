import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { digestOf } from '../image/digest.js';
import { MediaType } from '../image/media-types.js';
import type { RunningRegistry } from './docker-registry.js';

const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// Real registries: Debian's docker-registry, started by ./docker-registry.ts

export { freePort, makeSelfSignedCert, registryMissing, startRegistry } from './docker-registry.js';
export type { RunningRegistry } from './docker-registry.js';

/**
 * Pushes an oci-archive to `registry` as `repoTag` with skopeo and returns the manifest digest
 * skopeo reports (it may differ from the archive's when skopeo re-encodes).
 */
export async function pushImage(archive: string, registry: RunningRegistry, repoTag: string, creds?: string): Promise<string> {
  const digestFile = path.join(registry.storage, `_digest-${randomBytes(6).toString('hex')}`);
  await run(
    'skopeo',
    [
      '--insecure-policy',
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      '--digestfile',
      digestFile,
      ...(creds ? ['--dest-creds', creds] : []),
      `oci-archive:${archive}`,
      `docker://${registry.host}/${repoTag}`,
    ],
    { timeout: 180_000 },
  );
  return (await readFile(digestFile, 'utf8')).trim();
}

/** PUTs a manifest or index document (no client support for writes exists outside tests). */
export async function putManifest(
  registry: RunningRegistry,
  repository: string,
  reference: string,
  document: unknown,
  mediaType: string,
  creds?: string,
): Promise<void> {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    const headers: Record<string, string> = { 'content-type': mediaType };
    if (creds) headers.authorization = `Basic ${Buffer.from(creds).toString('base64')}`;
    const response = await request(`${registry.url}/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify(document),
      dispatcher,
    });
    const text = await response.body.text();
    if (response.statusCode !== 201) throw new Error(`PUT manifest answered ${response.statusCode}: ${text}`);
  } finally {
    await dispatcher.close();
  }
}

/**
 * Uploads a blob in one go (`POST /v2/<name>/blobs/uploads/`, then `PUT <location>&digest=`, the
 * monolithic upload of the distribution spec) and returns its digest.
 */
export async function putBlob(registry: RunningRegistry, repository: string, data: Buffer | string, creds?: string): Promise<string> {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const digest = digestOf(body);
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  const authorization: Record<string, string> = creds ? { authorization: `Basic ${Buffer.from(creds).toString('base64')}` } : {};
  try {
    const started = await request(`${registry.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: authorization, dispatcher });
    await started.body.text();
    const location = started.headers.location;
    if (started.statusCode !== 202 || typeof location !== 'string') throw new Error(`POST blob upload answered ${started.statusCode}`);
    const target = new URL(location, registry.url);
    target.searchParams.set('digest', digest);
    const response = await request(target, {
      method: 'PUT',
      headers: { ...authorization, 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
      body,
      dispatcher,
    });
    const text = await response.body.text();
    if (response.statusCode !== 201) throw new Error(`PUT blob answered ${response.statusCode}: ${text}`);
    return digest;
  } finally {
    await dispatcher.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Small servers of our own on loopback

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  /** `http://127.0.0.1:PORT` (or https). */
  url: string;
  /** `127.0.0.1:PORT`. */
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Starts an HTTP (or, with a key and certificate, HTTPS) server on 127.0.0.1 on an ephemeral port. */
export async function startServer(handler: Handler, tls?: { key: string; cert: string }): Promise<TestServer> {
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  };
  const server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// A bearer token server that fronts a registry (real or fake)

export interface TokenServerOptions {
  /** The registry to proxy `/v2/` to, e.g. `http://127.0.0.1:5000`. */
  upstream: string;
  /** Accounts that may get tokens; without, tokens are anonymous. */
  users?: Record<string, string>;
  service?: string;
  /** Which field carries the token: `token` (Docker) or `access_token` (OAuth2). */
  tokenField?: 'token' | 'access_token';
  /** Identity tokens accepted by `POST /token` (OAuth2 `grant_type=refresh_token`). */
  refreshTokens?: string[];
}

interface TokenRequest {
  method: string;
  service: string | null;
  scope: string | null;
  user: string | undefined;
}

export interface TokenServer extends TestServer {
  realm: string;
  tokenRequests: TokenRequest[];
  /** Makes every issued token invalid, as if they had expired. */
  revokeTokens(): void;
}

/**
 * Serves `GET /token?service=&scope=` (with optional Basic auth) and proxies `/v2/…` to the upstream
 * registry for requests with a valid bearer token for `repository:<name>:pull`; others get a 401
 * with a Bearer challenge, as Docker Hub answers.
 */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const service = options.service ?? 'shipshape-test';
  const tokens = new Map<string, string>(); // token → scope
  const tokenRequests: TokenRequest[] = [];
  let realm = '';

  const handler: Handler = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(await readText(req));
      tokenRequests.push({ method: 'POST', service: form.get('service'), scope: form.get('scope'), user: undefined });
      if (form.get('grant_type') !== 'refresh_token' || !options.refreshTokens?.includes(form.get('refresh_token') ?? '')) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
        return;
      }
      const token = randomBytes(16).toString('hex');
      tokens.set(token, form.get('scope') ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, expires_in: 300 }));
      return;
    }
    if (url.pathname === '/token') {
      const user = basicUser(req.headers.authorization);
      tokenRequests.push({ method: 'GET', service: url.searchParams.get('service'), scope: url.searchParams.get('scope'), user: user?.name });
      if (options.users && (!user || options.users[user.name] !== user.password)) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}');
        return;
      }
      const token = randomBytes(16).toString('hex');
      tokens.set(token, url.searchParams.get('scope') ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ [options.tokenField ?? 'token']: token, expires_in: 300 }));
      return;
    }
    const repository = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(url.pathname)?.[1];
    const scope = repository === undefined ? undefined : `repository:${repository}:pull`;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const granted = bearer === undefined ? undefined : tokens.get(bearer);
    if (granted === undefined || (scope !== undefined && !granted.split(' ').includes(scope))) {
      const scopePart = scope === undefined ? '' : `,scope="${scope}"`;
      res
        .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer realm="${realm}",service="${service}"${scopePart}` })
        .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    await proxy(options.upstream, req, res);
  };

  const server = await startServer(handler);
  realm = `${server.url}/token`;
  return { ...server, realm, tokenRequests, revokeTokens: () => tokens.clear() };
}

/**
 * Another server on loopback — another port, so another origin — passing every request on to
 * `target` as it is, Authorization included: in front of a token server, a registry whose token
 * realm is on another host.
 */
export function startRelay(target: string): Promise<TestServer> {
  return startServer((req, res) => proxy(target, req, res, true));
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function basicUser(header: string | undefined): { name: string; password: string } | undefined {
  const encoded = /^Basic (.+)$/.exec(header ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function proxy(upstream: string, req: IncomingMessage, res: ServerResponse, keepAuthorization = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    if (!keepAuthorization) delete headers.authorization;
    delete headers.host;
    const forward = httpRequest(new URL(req.url ?? '/', upstream), { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', reject);
    });
    forward.on('error', reject);
    req.pipe(forward);
  });
}

// ---------------------------------------------------------------------------------------------
// An in-memory registry for unit tests: serve it with `startServer(fake.handler)`

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface FakeImage {
  manifestDigest: string;
  manifestSize: number;
  configDigest: string;
  layerDigests: string[];
}

/**
 * Manifests and blobs held in maps, served with the status codes, headers and error bodies of
 * the distribution API. Tests alter the maps or set `intercept` to misbehave on purpose.
 */
export class FakeRegistry {
  /** Keyed `repository:tag` and `repository@digest`. */
  readonly manifests = new Map<string, { body: Buffer; contentType: string }>();
  readonly blobs = new Map<string, Buffer>();
  readonly requests: RecordedRequest[] = [];
  /** Runs first; return true when it has answered the request. */
  intercept: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  /** When set, every request needs these Basic credentials. */
  basic: { user: string; password: string } | undefined;

  readonly handler: Handler = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, authorization: req.headers.authorization });
    if (this.intercept?.(req, res)) return;
    if (this.basic) {
      const user = basicUser(req.headers.authorization);
      if (user?.name !== this.basic.user || user.password !== this.basic.password) {
        sendError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': 'Basic realm="fake"' });
        return;
      }
    }
    if (url.pathname === '/v2/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const match = /^\/v2\/(.+?)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    const tags = /^\/v2\/(.+?)\/tags\/list$/.exec(url.pathname);
    if (tags?.[1] !== undefined) {
      this.serveTags(tags[1], url, res);
    } else if (match?.[2] === 'manifests') {
      const key = `${match[1]}${match[3]?.includes(':') ? '@' : ':'}${match[3]}`;
      const found = this.manifests.get(key);
      if (!found) return sendError(res, 404, 'MANIFEST_UNKNOWN');
      const headers = { 'content-type': found.contentType, 'docker-content-digest': digestOf(found.body), 'content-length': found.body.length };
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : found.body);
    } else if (match?.[2] === 'blobs') {
      const found = this.blobs.get(match[3] ?? '');
      if (!found) return sendError(res, 404, 'BLOB_UNKNOWN');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': found.length }).end(found);
    } else {
      sendError(res, 404, 'NAME_UNKNOWN');
    }
  };

  /** Stores a document under a digest and tags; returns its digest. */
  addManifest(repository: string, tags: string[], document: unknown, contentType: string = MediaType.ociManifest): string {
    const body = Buffer.isBuffer(document) ? document : Buffer.from(JSON.stringify(document));
    const digest = digestOf(body);
    for (const key of [`${repository}@${digest}`, ...tags.map((tag) => `${repository}:${tag}`)]) this.manifests.set(key, { body, contentType });
    return digest;
  }

  /** An image whose "layers" are the given bytes (not real tars: the client never opens them). */
  addImage(repository: string, tag: string, layers: Buffer[], platform = { os: 'linux', architecture: 'amd64' }): FakeImage {
    const config = Buffer.from(
      JSON.stringify({ ...platform, rootfs: { type: 'layers', diff_ids: layers.map((layer) => digestOf(Buffer.concat([layer, Buffer.from('x')]))) } }),
    );
    const configDigest = digestOf(config);
    this.blobs.set(configDigest, config);
    const layerDigests = layers.map((layer) => {
      const digest = digestOf(layer);
      this.blobs.set(digest, layer);
      return digest;
    });
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.length },
      layers: layers.map((layer, i) => ({ mediaType: MediaType.ociLayerGzip, digest: layerDigests[i], size: layer.length })),
    };
    const manifestDigest = this.addManifest(repository, [tag], manifest);
    const manifestSize = this.manifests.get(`${repository}@${manifestDigest}`)?.body.length ?? 0;
    return { manifestDigest, manifestSize, configDigest, layerDigests };
  }

  private serveTags(repository: string, url: URL, res: ServerResponse): void {
    const all = [...this.manifests.keys()]
      .filter((key) => key.startsWith(`${repository}:`))
      .map((key) => key.slice(repository.length + 1))
      .sort();
    if (all.length === 0) return sendError(res, 404, 'NAME_UNKNOWN');
    const n = Number(url.searchParams.get('n') ?? all.length);
    const last = url.searchParams.get('last');
    const rest = last === null ? all : all.filter((tag) => tag > last);
    const page = rest.slice(0, n);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (rest.length > n) headers.link = `</v2/${repository}/tags/list?n=${n}&last=${page[page.length - 1] ?? ''}>; rel="next"`;
    res.writeHead(200, headers).end(JSON.stringify({ name: repository, tags: page }));
  }
}

function sendError(res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ errors: [{ code, message: code.toLowerCase() }] }));
}
