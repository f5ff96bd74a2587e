import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { Diagnostics } from '../../core/diagnostics.js';
import {
  AuthError,
  CorruptInputError,
  DigestMismatchError,
  LimitExceededError,
  NotFoundError,
  RegistryError,
  SizeMismatchError,
  UsageError,
} from '../../core/errors.js';
import { defaultLimits, defaultRegistryLimits, type RegistryLimits } from '../../core/limits.js';
import { DigestingStream, digestOf, isDigest, parseDigest, verifyBuffer } from '../digest.js';
import { manifestAccept, MediaType } from '../media-types.js';
import { registryEndpoint } from '../reference.js';
import { indexSchema, parseManifestDocument, type Descriptor, type ImageIndex, type ManifestDocument } from '../schema.js';
import { Authenticator, catalogScope, pullScope } from './auth.js';
import { dockerConfigNames, findCredentials } from './credentials.js';
import { abandonBody, discardBody, headerValue, HttpTransport, readBody, transportError, type HttpRequest, type HttpResponse } from './http.js';
import type { RegistryOptions } from './options.js';

/** A manifest or index as served, with the digest it is known by (verified against its bytes). */
export interface FetchedManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
  document: ManifestDocument;
}

/** What a HEAD on a manifest tells, without its body. */
export interface ManifestHead {
  digest: string | undefined;
  mediaType: string | undefined;
  size: number | undefined;
}

export interface FetchOptions {
  signal?: AbortSignal | undefined;
  /** Largest body read into memory (default `defaultLimits.maxDocumentBytes`). */
  maxBytes?: number | undefined;
}

/** Knobs for tests and embedders that are not user options. */
export interface ClientInternals {
  diagnostics?: Diagnostics | undefined;
  maxAttempts?: number | undefined;
  retryDelayMs?: number | undefined;
  /** Deadlines, transfer rate and list bounds (default `defaultRegistryLimits`). */
  limits?: Partial<RegistryLimits> | undefined;
}

const tagListSchema = z.object({ name: z.string().optional(), tags: z.array(z.string()).nullish() });
const errorBodySchema = z.object({
  errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional() })),
});
const maxErrorBodyBytes = 64 * 1024;
const catalogSchema = z.object({ repositories: z.array(z.string()).nullish() });
/** Repositories asked for per catalog page; distribution refuses more than 1000. */
const defaultCatalogPageSize = 100;

/** A registry's base URL, HTTP transport and authenticator, set up from the user's options (shared by reading and pushing). */
export function connectRegistry(
  registry: string,
  options: RegistryOptions,
  internals: ClientInternals = {},
): { baseUrl: URL; http: HttpTransport; auth: Authenticator } {
  if ((options.username === undefined) !== (options.password === undefined)) {
    throw new UsageError('give both a registry username and a password, or neither');
  }
  const baseUrl = new URL(`${options.plainHttp ? 'http' : 'https'}://${registryEndpoint(registry)}`);
  const http = new HttpTransport({
    registryHost: baseUrl.host,
    insecure: options.insecure,
    caFiles: options.caFiles,
    timeoutMs: options.timeoutMs,
    userAgent: options.userAgent,
    maxAttempts: internals.maxAttempts,
    retryDelayMs: internals.retryDelayMs,
    limits: { ...defaultRegistryLimits, ...internals.limits },
  });
  const auth = new Authenticator({
    registry,
    baseUrl,
    http,
    plainHttp: options.plainHttp === true,
    credentials: () =>
      findCredentials(registry, {
        username: options.username,
        password: options.password,
        dockerConfigPath: options.dockerConfigPath,
        diagnostics: internals.diagnostics,
      }),
    allowRealms: options.allowRealms,
    dockerConfigNames: (host) => dockerConfigNames(host, options.dockerConfigPath),
  });
  return { baseUrl, http, auth };
}

/**
 * A reader of one registry's OCI distribution API (`/v2/`): manifests, blobs and tags, with
 * authentication, digest verification and bounded reads. One client per registry host; it keeps
 * connections and tokens until `close()`.
 */
export class RegistryClient {
  readonly registry: string;
  readonly baseUrl: URL;
  private readonly http: HttpTransport;
  private readonly auth: Authenticator;
  private readonly limits: RegistryLimits;

  constructor(registry: string, options: RegistryOptions = {}, internals: ClientInternals = {}) {
    this.registry = registry;
    this.limits = { ...defaultRegistryLimits, ...internals.limits };
    ({ baseUrl: this.baseUrl, http: this.http, auth: this.auth } = connectRegistry(registry, options, internals));
  }

  /**
   * Fetches a manifest or index by tag or digest. By digest, the body must hash to it (and have
   * `expectedSize` bytes when given); by tag, the digest is `Docker-Content-Digest`, checked
   * against the body, or the body's sha256.
   */
  async getManifest(repository: string, reference: string, options: FetchOptions & { expectedSize?: number | undefined } = {}): Promise<FetchedManifest> {
    const what = `manifest ${this.name(repository, reference)}`;
    const response = await this.send(repository, {
      method: 'GET',
      url: this.url(repository, 'manifests', reference),
      headers: { accept: manifestAccept },
      signal: options.signal,
    });
    if (response.status !== 200) throw await this.statusError(response, repository, reference, 'manifest');
    const body = await readBody(response, options.maxBytes ?? defaultLimits.maxDocumentBytes, what, options.signal);
    const contentType = headerValue(response, 'content-type');
    checkIsJson(this.registry, what, body, contentType);
    const digest = manifestDigest(what, reference, body, headerValue(response, 'docker-content-digest'), options.expectedSize);
    let document: ManifestDocument;
    try {
      document = parseManifestDocument(what, body, contentType);
    } catch (error) {
      if (error instanceof CorruptInputError) throw new RegistryError(`${this.registry} answered ${what} with invalid JSON`, { cause: error });
      throw error;
    }
    return { digest, mediaType: document.mediaType, body, document };
  }

  /** HEADs a manifest: its digest, media type and size as the registry reports them (unverified). */
  async headManifest(repository: string, reference: string, options: FetchOptions = {}): Promise<ManifestHead> {
    const response = await this.send(repository, {
      method: 'HEAD',
      url: this.url(repository, 'manifests', reference),
      headers: { accept: manifestAccept },
      signal: options.signal,
    });
    if (response.status !== 200) throw await this.statusError(response, repository, reference, 'manifest');
    await discardBody(response);
    const digest = headerValue(response, 'docker-content-digest');
    const size = Number(headerValue(response, 'content-length'));
    return {
      digest: digest !== undefined && isDigest(digest) ? digest : undefined,
      mediaType: headerValue(response, 'content-type')?.split(';')[0]?.trim(),
      size: Number.isInteger(size) && size >= 0 ? size : undefined,
    };
  }

  /** Reads a small blob (a config) into memory, verified against its descriptor. */
  async getBlob(repository: string, descriptor: { digest: string; size?: number }, options: FetchOptions = {}): Promise<Buffer> {
    const what = `blob ${descriptor.digest} of ${this.name(repository)}`;
    const response = await this.openBlobResponse(repository, descriptor, options.signal);
    const body = await readBody(response, options.maxBytes ?? defaultLimits.maxDocumentBytes, what, options.signal);
    verifyBuffer(what, body, descriptor);
    return body;
  }

  /**
   * Streams a blob, following redirects (to object storage, without our credentials), through a
   * DigestingStream: the stream fails at its end if the digest or size differ from the descriptor,
   * and on the way if the registry sends it slower than the minimum transfer rate.
   */
  async openBlob(repository: string, descriptor: { digest: string; size?: number }, signal?: AbortSignal): Promise<Readable> {
    const what = `blob ${descriptor.digest} of ${this.name(repository)}`;
    const verified = new DigestingStream(what, descriptor);
    const response = await this.openBlobResponse(repository, descriptor, signal, true);
    const { body } = response;
    const guard = this.http.rateGuard(what);
    body.on('error', (error) => verified.destroy(transportError(error, response.url, signal)));
    guard.on('error', (error) => verified.destroy(error));
    // A consumer that stops early must not leave the connection streaming.
    verified.on('close', () => {
      body.destroy();
      guard.destroy();
    });
    body.pipe(guard).pipe(verified);
    return verified;
  }

  /**
   * Every tag of a repository, page by page (see `readList`). Without `pageSize` no `n` is sent and
   * only `Link` headers paginate.
   */
  async listTags(repository: string, options: FetchOptions & { pageSize?: number | undefined } = {}): Promise<string[]> {
    const url = new URL(`/v2/${repository}/tags/list`, this.baseUrl);
    if (options.pageSize !== undefined) url.searchParams.set('n', String(options.pageSize));
    return this.readList({
      url,
      scope: pullScope(repository),
      what: `tag list of ${this.name(repository)}`,
      expected: 'a tag list',
      items: (json) => {
        const parsed = tagListSchema.safeParse(json);
        return parsed.success ? (parsed.data.tags ?? []) : undefined;
      },
      pageSize: options.pageSize,
      fail: (response) => this.statusError(response, repository, undefined, 'tags'),
      signal: options.signal,
      maxBytes: options.maxBytes,
    });
  }

  /**
   * The registry's repositories (`GET /v2/_catalog`), page by page, with a token for the
   * `registry:catalog:*` scope. `prefix` keeps a repository equal to it or below it at a path
   * boundary: `team`, `team/` → `team`, `team/app`, `team/app/api`, never `teamx`. The API has no
   * prefix parameter, and not every registry sorts its catalog, so the whole catalog is read and
   * filtered here.
   */
  async listRepositories(options: FetchOptions & { pageSize?: number | undefined; prefix?: string | undefined } = {}): Promise<string[]> {
    const pageSize = options.pageSize ?? defaultCatalogPageSize;
    const url = new URL('/v2/_catalog', this.baseUrl);
    url.searchParams.set('n', String(pageSize));
    const repositories = await this.readList({
      url,
      scope: catalogScope,
      what: `catalog of ${this.registry}`,
      expected: 'a repository catalog',
      items: (json) => {
        const parsed = catalogSchema.safeParse(json);
        return parsed.success ? (parsed.data.repositories ?? []) : undefined;
      },
      pageSize,
      fail: (response) => this.catalogError(response),
      signal: options.signal,
      maxBytes: options.maxBytes,
    });
    const prefix = options.prefix?.replace(/\/+$/, '');
    if (!prefix) return repositories;
    return repositories.filter((name) => name === prefix || name.startsWith(`${prefix}/`));
  }

  /**
   * The referrers of a manifest (`GET /v2/<name>/referrers/<digest>`, OCI distribution 1.1), all
   * pages merged. undefined when the registry answers 404: it has no referrers API, and the caller
   * falls back to the `sha256-<hex>` tag. With `artifactType`, a registry that did not filter
   * (no `OCI-Filters-Applied`) is filtered here.
   */
  async getReferrers(repository: string, digest: string, options: FetchOptions & { artifactType?: string | undefined } = {}): Promise<ImageIndex | undefined> {
    parseDigest(digest); // a malformed digest never reaches a URL
    const what = `referrers of ${this.name(repository, digest)}`;
    let url = new URL(`/v2/${repository}/referrers/${digest}`, this.baseUrl);
    if (options.artifactType !== undefined) url.searchParams.set('artifactType', options.artifactType);
    const manifests: Descriptor[] = [];
    const total = new ListTotals(this.limits, what);
    let filtered = true;
    for (let page = 0; page < this.limits.maxListPages; page++) {
      const response = await this.send(repository, { method: 'GET', url, headers: { accept: MediaType.ociIndex }, signal: options.signal });
      if (response.status === 404 && page === 0) {
        await discardBody(response);
        return undefined;
      }
      if (response.status === 401 || response.status === 403) throw await this.statusError(response, repository, digest, 'manifest');
      if (response.status !== 200) {
        throw new RegistryError(`${this.registry} answered HTTP ${response.status} for the ${what}${await errorDetail(response)}`);
      }
      const body = await readBody(response, options.maxBytes ?? defaultLimits.maxDocumentBytes, what, options.signal);
      total.addPage(body.length);
      checkIsJson(this.registry, what, body, headerValue(response, 'content-type'), 'a referrers index');
      const parsed = indexSchema.safeParse(JSON.parse(body.toString('utf8')));
      if (!parsed.success) throw new RegistryError(`${this.registry} answered the ${what} with an unexpected shape (not an image index)`);
      total.addItems(parsed.data.manifests.length);
      for (const entry of parsed.data.manifests) manifests.push(entry);
      if (!/(^|,)\s*artifactType\s*(,|$)/i.test(headerValue(response, 'oci-filters-applied') ?? '')) filtered = false;
      const next = nextLink(headerValue(response, 'link'));
      if (next === undefined) {
        const kept = options.artifactType === undefined || filtered ? manifests : manifests.filter((entry) => entry.artifactType === options.artifactType);
        return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: kept };
      }
      url = new URL(next, response.url);
      if (url.origin !== this.baseUrl.origin) {
        throw new RegistryError(`${this.registry}: the ${what} continue at another origin (${url.origin}); not following`);
      }
    }
    throw new LimitExceededError(`${what}: more than ${this.limits.maxListPages} pages (the maxListPages limit)`);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** `stream`: the caller streams the body through the transfer-rate guard (see `HttpRequest.stream`). */
  private async openBlobResponse(
    repository: string,
    descriptor: { digest: string; size?: number },
    signal: AbortSignal | undefined,
    stream = false,
  ): Promise<HttpResponse> {
    parseDigest(descriptor.digest); // a malformed digest in a manifest never reaches a URL
    const response = await this.send(repository, { method: 'GET', url: this.url(repository, 'blobs', descriptor.digest), signal, stream });
    if (response.status !== 200) throw await this.statusError(response, repository, descriptor.digest, 'blob');
    const declared = Number(headerValue(response, 'content-length'));
    if (descriptor.size !== undefined && Number.isInteger(declared) && declared !== descriptor.size) {
      abandonBody(response);
      throw new SizeMismatchError(`blob ${descriptor.digest} of ${this.name(repository)}`, descriptor.size, declared);
    }
    return response;
  }

  /** Sends with authorization for the repository; on a 401 learns the challenge and tries once more. */
  private send(repository: string, request: Omit<HttpRequest, 'authorization'>): Promise<HttpResponse> {
    return this.sendScoped(pullScope(repository), request);
  }

  /** `send` authorised for any scope (the catalog's is not a repository's). */
  private async sendScoped(scope: string, request: Omit<HttpRequest, 'authorization'>): Promise<HttpResponse> {
    const authorization = await this.auth.authorization(scope, request.signal);
    const response = await this.http.send({ ...request, authorization });
    if (response.status !== 401 || !this.auth.rejected(response, scope, authorization)) return response;
    await discardBody(response);
    return this.http.send({ ...request, authorization: await this.auth.authorization(scope, request.signal) });
  }

  /**
   * Reads a paginated list (tags, repositories). Follows `Link: <…>; rel="next"` on the registry's
   * origin. A registry that sends a full page of `n` and no Link (the spec makes Link optional) is
   * asked again with `last=<the page's last item>`, until a page is short or brings nothing new —
   * which also ends the loop for a registry that ignores `n` or `last` (Debian's docker-registry 2.8
   * ignores both on tag lists and sends everything at once). All pages together are bounded in
   * items, bytes and pages (`RegistryLimits`).
   */
  private async readList(request: {
    url: URL;
    scope: string;
    what: string;
    expected: string;
    /** The page's items, or undefined when the JSON has the wrong shape. */
    items: (json: unknown) => string[] | undefined;
    pageSize: number | undefined;
    fail: (response: HttpResponse) => Promise<Error>;
    signal?: AbortSignal | undefined;
    maxBytes?: number | undefined;
  }): Promise<string[]> {
    const { what, signal, pageSize } = request;
    const all: string[] = [];
    const seen = new Set<string>();
    const total = new ListTotals(this.limits, what);
    let url = request.url;
    for (let page = 0; page < this.limits.maxListPages; page++) {
      const response = await this.sendScoped(request.scope, { method: 'GET', url, signal });
      if (response.status !== 200) throw await request.fail(response);
      const body = await readBody(response, request.maxBytes ?? defaultLimits.maxDocumentBytes, what, signal);
      total.addPage(body.length);
      checkIsJson(this.registry, what, body, headerValue(response, 'content-type'), request.expected);
      const items = request.items(JSON.parse(body.toString('utf8')));
      if (items === undefined) throw new RegistryError(`${this.registry} answered the ${what} with an unexpected shape`);
      let fresh = 0;
      for (const item of items) {
        if (seen.has(item)) continue;
        total.addItems(1);
        seen.add(item);
        all.push(item);
        fresh++;
      }
      // a page that only repeats what came before would repeat forever
      if (items.length > 0 && fresh === 0) return all;
      const next = nextLink(headerValue(response, 'link'));
      if (next !== undefined) {
        url = new URL(next, response.url);
        if (url.origin !== this.baseUrl.origin) {
          throw new RegistryError(`${this.registry}: the ${what} continues at another origin (${url.origin}); not following`);
        }
        continue;
      }
      const last = items[items.length - 1];
      if (pageSize === undefined || items.length !== pageSize || last === undefined) return all;
      url = new URL(url);
      url.searchParams.set('n', String(pageSize));
      url.searchParams.set('last', last);
    }
    throw new LimitExceededError(`${what}: more than ${this.limits.maxListPages} pages (the maxListPages limit)`);
  }

  private async catalogError(response: HttpResponse): Promise<Error> {
    const detail = await errorDetail(response);
    const { status } = response;
    if (status === 401 || status === 403) {
      return new AuthError(`${this.registry}: listing the catalog denied (HTTP ${status}) with ${this.auth.describe()}${detail}`, {
        hint: 'the account needs the registry:catalog:* scope; name a repository (registry/repository) to scan it without the catalog',
      });
    }
    if (status === 404) {
      return new NotFoundError(`${this.registry} serves no catalog (GET /v2/_catalog answered 404)${detail}`, {
        hint: 'name a repository (registry/repository) to scan it without the catalog',
      });
    }
    return new RegistryError(`${this.registry} answered HTTP ${status} for the catalog${detail}`);
  }

  private async statusError(response: HttpResponse, repository: string, reference: string | undefined, kind: 'manifest' | 'blob' | 'tags'): Promise<Error> {
    const detail = await errorDetail(response);
    const { status } = response;
    const name = this.name(repository, kind === 'blob' ? undefined : reference);
    if (status === 401 || status === 403) {
      return new AuthError(`${this.registry}: access to ${repository} denied (HTTP ${status}) with ${this.auth.describe()}${detail}`, {
        hint: 'log in (docker login), or pass --username/--password; check that the account may pull this repository',
      });
    }
    if (status === 404) {
      if (kind === 'blob') return new NotFoundError(`${name}: the manifest points to a missing blob ${reference ?? ''}${detail}`);
      if (kind === 'tags') return new NotFoundError(`${name}: no such repository${detail}`);
      return new NotFoundError(`${name}: not found (no such repository, tag or digest)${detail}`);
    }
    const rateLimited = status === 429 ? { hint: 'the registry is rate-limiting requests; wait, or authenticate for a higher limit' } : {};
    return new RegistryError(`${this.registry} answered HTTP ${status} for the ${kind} ${name}${detail}`, rateLimited);
  }

  private url(repository: string, kind: 'manifests' | 'blobs', reference: string): URL {
    return new URL(`/v2/${repository}/${kind}/${reference}`, this.baseUrl);
  }

  private name(repository: string, reference?: string): string {
    if (reference === undefined) return `${this.registry}/${repository}`;
    return `${this.registry}/${repository}${isDigest(reference) ? '@' : ':'}${reference}`;
  }
}

/** The digest a fetched manifest is known by, checked against its bytes. */
function manifestDigest(what: string, reference: string, body: Buffer, header: string | undefined, expectedSize: number | undefined): string {
  if (isDigest(reference)) {
    verifyBuffer(what, body, expectedSize === undefined ? { digest: reference } : { digest: reference, size: expectedSize });
    return reference;
  }
  if (header !== undefined && isDigest(header)) {
    const actual = digestOf(body, parseDigest(header).algorithm);
    if (actual !== header) throw new DigestMismatchError(what, header, actual);
    return header;
  }
  return digestOf(body);
}

/** Refuses HTML (a login page, a proxy's error page) and non-JSON before any schema is applied. */
function checkIsJson(registry: string, what: string, body: Buffer, contentType: string | undefined, expected = 'a manifest'): void {
  const start = body.subarray(0, 512).toString('utf8').trimStart();
  if (contentType?.toLowerCase().includes('text/html') || start.startsWith('<')) {
    throw new RegistryError(`${registry} answered HTML, not ${expected}, for the ${what}`, {
      hint: 'is this an OCI registry? a proxy, login page or web server may be answering instead',
    });
  }
  try {
    JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new RegistryError(`${registry} answered the ${what} with content that is not JSON`, { cause: error });
  }
}

/** `: CODE message` from a registry's JSON error body, or nothing. */
async function errorDetail(response: HttpResponse): Promise<string> {
  let body: Buffer;
  try {
    body = await readBody(response, maxErrorBodyBytes, 'error body');
  } catch {
    return ''; // the status already says what went wrong
  }
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body.toString('utf8')));
    const first = parsed.success ? parsed.data.errors[0] : undefined;
    const text = [first?.code, first?.message].filter(Boolean).join(' ');
    return text ? `: ${text.slice(0, 300)}` : '';
  } catch {
    return '';
  }
}

/** Running totals of one paginated list, checked against `maxListItems` and `maxListBytes` page by page. */
class ListTotals {
  private items = 0;
  private bytes = 0;

  constructor(
    private readonly limits: RegistryLimits,
    private readonly what: string,
  ) {}

  addPage(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.limits.maxListBytes) {
      throw new LimitExceededError(`${this.what}: more than ${this.limits.maxListBytes} bytes over all pages (the maxListBytes limit)`);
    }
  }

  addItems(count: number): void {
    this.items += count;
    if (this.items > this.limits.maxListItems) {
      throw new LimitExceededError(`${this.what}: more than ${this.limits.maxListItems} entries over all pages (the maxListItems limit)`);
    }
  }
}

/** The target of `rel="next"` in a Link header (RFC 8288). */
function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match?.[1] !== undefined && /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2] ?? '')) return match[1];
  }
  return undefined;
}
