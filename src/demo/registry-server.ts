import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { digestOf, isDigest } from '../image/digest.js';
import { indexMediaTypes, MediaType } from '../image/media-types.js';

export interface DemoRegistryOptions {
  /** Require these HTTP Basic credentials for every request. */
  basic?: { username: string; password: string } | undefined;
  /** Serve the OCI referrers API (`GET /v2/<name>/referrers/<digest>`); false answers 404 as distribution 2.8 does. */
  referrers?: boolean | undefined;
  /** Largest blob or manifest accepted (default 512 MiB). */
  maxBytes?: number | undefined;
}

export interface DemoRegistry {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** `127.0.0.1:PORT`: the registry part of image references. */
  host: string;
  /** Repositories and their tags → digests, for tests and the demo's summary. */
  tags(): Map<string, Map<string, string>>;
  close(): Promise<void>;
}

interface StoredManifest {
  body: Buffer;
  mediaType: string;
  /** `subject.digest`, for the referrers API. */
  subject: string | undefined;
  artifactType: string | undefined;
  annotations: Record<string, string> | undefined;
}

interface Repository {
  manifests: Map<string, StoredManifest>;
  tags: Map<string, string>;
  blobs: Set<string>;
}

const namePattern = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*';
const routes = {
  catalog: /^\/v2\/_catalog$/,
  tags: new RegExp(`^/v2/(${namePattern})/tags/list$`),
  manifest: new RegExp(`^/v2/(${namePattern})/manifests/([^/]+)$`),
  blob: new RegExp(`^/v2/(${namePattern})/blobs/(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$`),
  uploads: new RegExp(`^/v2/(${namePattern})/blobs/uploads/$`),
  upload: new RegExp(`^/v2/(${namePattern})/blobs/uploads/([0-9a-f-]{36})$`),
  referrers: new RegExp(`^/v2/(${namePattern})/referrers/(sha256:[a-f0-9]{64})$`),
};
const tagPattern = /^\w[\w.-]{0,127}$/;

/**
 * A small OCI distribution registry in memory on 127.0.0.1, for the demo only (the product's tests
 * use Debian's real docker-registry): catalog and tag lists with `n`/`last` pagination, manifests
 * by tag and digest, blobs, monolithic and chunked uploads (digest-verified), cross-repository
 * mounts, the referrers API, optional Basic auth. Nothing is written to disk.
 */
export async function startDemoRegistry(options: DemoRegistryOptions = {}): Promise<DemoRegistry> {
  const blobs = new Map<string, Buffer>();
  const repositories = new Map<string, Repository>();
  const uploads = new Map<string, { repository: string; chunks: Buffer[] }>();
  const maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
  const repository = (name: string): Repository => {
    let found = repositories.get(name);
    if (!found) {
      found = { manifests: new Map(), tags: new Map(), blobs: new Set() };
      repositories.set(name, found);
    }
    return found;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://registry');
    const method = req.method ?? 'GET';
    res.setHeader('docker-distribution-api-version', 'registry/2.0');
    if (options.basic && !authorised(req, options.basic)) {
      return sendError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="shipshape-demo"' });
    }
    const path = url.pathname;
    let match: RegExpExecArray | null;
    if (path === '/v2/' || path === '/v2') return sendJson(res, 200, {});
    if (routes.catalog.test(path) && method === 'GET') {
      const names = [...repositories]
        .filter(([, repo]) => repo.manifests.size > 0)
        .map(([name]) => name)
        .sort();
      return sendPage(res, url, names, '/v2/_catalog', (page) => ({ repositories: page }));
    }
    if ((match = routes.tags.exec(path)) && method === 'GET') {
      const name = match[1] ?? '';
      const repo = repositories.get(name);
      if (!repo || repo.tags.size === 0) return sendError(res, 404, 'NAME_UNKNOWN', `repository ${name} not known to registry`);
      return sendPage(res, url, [...repo.tags.keys()].sort(), `/v2/${name}/tags/list`, (page) => ({ name, tags: page }));
    }
    if ((match = routes.referrers.exec(path)) && method === 'GET') {
      if (!options.referrers) return sendError(res, 404, 'NOT_FOUND', 'the referrers API is not served');
      return sendReferrers(res, repositories.get(match[1] ?? ''), match[2] ?? '', url.searchParams.get('artifactType'));
    }
    if ((match = routes.manifest.exec(path))) {
      const name = match[1] ?? '';
      const reference = match[2] ?? '';
      if (method === 'GET' || method === 'HEAD') {
        const repo = repositories.get(name);
        const digest = isDigest(reference) ? reference : repo?.tags.get(reference);
        const stored = digest === undefined ? undefined : repo?.manifests.get(digest);
        if (!stored || digest === undefined) return sendError(res, 404, 'MANIFEST_UNKNOWN', `manifest unknown: ${name}:${reference}`);
        res.writeHead(200, { 'content-type': stored.mediaType, 'content-length': stored.body.length, 'docker-content-digest': digest });
        res.end(method === 'HEAD' ? undefined : stored.body);
        return;
      }
      if (method === 'PUT') return putManifest(req, res, name, reference);
      if (method === 'DELETE') {
        const repo = repositories.get(name);
        if (!repo || !isDigest(reference) || !repo.manifests.delete(reference)) return sendError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
        for (const [tag, digest] of repo.tags) if (digest === reference) repo.tags.delete(tag);
        res.writeHead(202).end();
        return;
      }
    }
    if ((match = routes.blob.exec(path)) && (method === 'GET' || method === 'HEAD')) {
      const digest = match[2] ?? '';
      const data = repositories.get(match[1] ?? '')?.blobs.has(digest) ? blobs.get(digest) : undefined;
      if (!data) return sendError(res, 404, 'BLOB_UNKNOWN', `blob unknown: ${digest}`);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length, 'docker-content-digest': digest });
      res.end(method === 'HEAD' ? undefined : data);
      return;
    }
    if ((match = routes.uploads.exec(path)) && method === 'POST') {
      const name = match[1] ?? '';
      const mount = url.searchParams.get('mount');
      if (mount !== null && blobs.has(mount) && repositories.get(url.searchParams.get('from') ?? '')?.blobs.has(mount)) {
        repository(name).blobs.add(mount);
        res.writeHead(201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount, 'content-length': 0 }).end();
        return;
      }
      const body = await readBody(req, maxBytes);
      const digest = url.searchParams.get('digest');
      if (digest !== null) return finishUpload(res, name, digest, [body]); // monolithic POST
      const id = randomUUID();
      uploads.set(id, { repository: name, chunks: body.length > 0 ? [body] : [] });
      res.writeHead(202, { location: `/v2/${name}/blobs/uploads/${id}`, range: '0-0', 'docker-upload-uuid': id, 'content-length': 0 }).end();
      return;
    }
    if ((match = routes.upload.exec(path))) {
      const name = match[1] ?? '';
      const id = match[2] ?? '';
      const upload = uploads.get(id);
      if (!upload || upload.repository !== name) return sendError(res, 404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown');
      if (method === 'PATCH') {
        upload.chunks.push(await readBody(req, maxBytes));
        const size = upload.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
        res
          .writeHead(202, { location: `/v2/${name}/blobs/uploads/${id}`, range: `0-${Math.max(size - 1, 0)}`, 'docker-upload-uuid': id, 'content-length': 0 })
          .end();
        return;
      }
      if (method === 'PUT') {
        upload.chunks.push(await readBody(req, maxBytes));
        uploads.delete(id);
        return finishUpload(res, name, url.searchParams.get('digest') ?? '', upload.chunks);
      }
      if (method === 'DELETE') {
        uploads.delete(id);
        res.writeHead(204).end();
        return;
      }
    }
    if (path.startsWith('/v2/')) return sendError(res, 404, 'NAME_UNKNOWN', 'not found');
    sendError(res, 404, 'NOT_FOUND', 'not found');
  };

  const finishUpload = (res: ServerResponse, name: string, digest: string, chunks: Buffer[]): void => {
    if (!isDigest(digest)) return sendError(res, 400, 'DIGEST_INVALID', `invalid digest ${JSON.stringify(digest)}`);
    const data = Buffer.concat(chunks);
    const actual = digestOf(data, digest.startsWith('sha512:') ? 'sha512' : 'sha256');
    if (actual !== digest) return sendError(res, 400, 'DIGEST_INVALID', `provided digest ${digest} did not match uploaded content (${actual})`);
    blobs.set(digest, data);
    repository(name).blobs.add(digest);
    res.writeHead(201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest, 'content-length': 0 }).end();
  };

  const putManifest = async (req: IncomingMessage, res: ServerResponse, name: string, reference: string): Promise<void> => {
    const body = await readBody(req, maxBytes);
    const digest = digestOf(body);
    if (isDigest(reference) && reference !== digest) return sendError(res, 400, 'DIGEST_INVALID', `manifest digest ${digest} is not ${reference}`);
    if (!isDigest(reference) && !tagPattern.test(reference)) return sendError(res, 400, 'TAG_INVALID', `invalid tag ${reference}`);
    let document: ManifestShape;
    try {
      document = JSON.parse(body.toString('utf8')) as ManifestShape;
    } catch {
      return sendError(res, 400, 'MANIFEST_INVALID', 'manifest is not JSON');
    }
    const mediaType = req.headers['content-type']?.split(';')[0]?.trim() || document.mediaType || MediaType.ociManifest;
    const repo = repository(name);
    // like distribution: every blob and child manifest must already be in the repository
    const missingBlob = [document.config, ...(document.layers ?? [])].find((d) => d !== undefined && !repo.blobs.has(d.digest ?? ''));
    if (missingBlob) return sendError(res, 400, 'MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${missingBlob.digest ?? ''}`);
    if (indexMediaTypes.includes(mediaType)) {
      const missing = (document.manifests ?? []).find((d) => !repo.manifests.has(d.digest ?? ''));
      if (missing) return sendError(res, 400, 'MANIFEST_UNKNOWN', `manifest unknown to registry: ${missing.digest ?? ''}`);
    }
    repo.manifests.set(digest, {
      body,
      mediaType,
      subject: document.subject?.digest,
      artifactType: document.artifactType ?? document.config?.mediaType,
      annotations: document.annotations,
    });
    if (!isDigest(reference)) repo.tags.set(reference, digest);
    const headers: Record<string, string | number> = { location: `/v2/${name}/manifests/${digest}`, 'docker-content-digest': digest, 'content-length': 0 };
    if (document.subject?.digest !== undefined && options.referrers) headers['oci-subject'] = document.subject.digest;
    res.writeHead(201, headers).end();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error instanceof TooLarge ? 413 : 500, error instanceof TooLarge ? 'SIZE_INVALID' : 'UNKNOWN', String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    tags: () => new Map([...repositories].filter(([, repo]) => repo.tags.size > 0).map(([name, repo]) => [name, new Map(repo.tags)])),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface DescriptorShape {
  mediaType?: string;
  digest?: string;
  size?: number;
}

interface ManifestShape {
  mediaType?: string;
  artifactType?: string;
  config?: DescriptorShape;
  layers?: DescriptorShape[];
  manifests?: DescriptorShape[];
  subject?: DescriptorShape;
  annotations?: Record<string, string>;
}

class TooLarge extends Error {}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) throw new TooLarge(`request body over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function authorised(req: IncomingMessage, basic: { username: string; password: string }): boolean {
  const encoded = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (encoded === undefined) return false;
  return Buffer.from(encoded, 'base64').toString('utf8') === `${basic.username}:${basic.password}`;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length, ...headers }).end(data);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { errors: [{ code, message }] }, headers);
}

/** A page of a sorted list after `last`, at most `n` long, with `Link: <…>; rel="next"` when more follow. */
function sendPage(res: ServerResponse, url: URL, all: string[], path: string, wrap: (page: string[]) => unknown): void {
  const last = url.searchParams.get('last');
  const rest = last === null ? all : all.filter((item) => item > last);
  const n = url.searchParams.has('n') ? Number(url.searchParams.get('n')) : rest.length;
  if (!Number.isInteger(n) || n < 0) return sendError(res, 400, 'PAGINATION_NUMBER_INVALID', 'invalid number of results requested');
  const page = rest.slice(0, n);
  const headers: Record<string, string> = {};
  if (rest.length > page.length && page.length > 0) headers.link = `<${path}?n=${n}&last=${encodeURIComponent(page.at(-1) ?? '')}>; rel="next"`;
  sendJson(res, 200, wrap(page), headers);
}

function sendReferrers(res: ServerResponse, repo: Repository | undefined, subject: string, artifactType: string | null): void {
  const manifests = [...(repo?.manifests ?? [])]
    .filter(([, stored]) => stored.subject === subject && (artifactType === null || stored.artifactType === artifactType))
    .map(([digest, stored]) => ({
      mediaType: stored.mediaType,
      digest,
      size: stored.body.length,
      ...(stored.artifactType === undefined ? {} : { artifactType: stored.artifactType }),
      ...(stored.annotations === undefined ? {} : { annotations: stored.annotations }),
    }));
  const headers: Record<string, string> = { 'content-type': MediaType.ociIndex };
  if (artifactType !== null) headers['oci-filters-applied'] = 'artifactType';
  const data = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
  res.writeHead(200, { ...headers, 'content-length': data.length }).end(data);
}
