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
import { defaultLimits } from '../../core/limits.js';
import { DigestingStream, digestOf, isDigest, parseDigest, verifyBuffer } from '../digest.js';
import { manifestAccept } from '../media-types.js';
import { registryEndpoint } from '../reference.js';
import { parseManifestDocument, type ManifestDocument } from '../schema.js';
import { Authenticator, pullScope } from './auth.js';
import { findCredentials } from './credentials.js';
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
}

const tagListSchema = z.object({ name: z.string().optional(), tags: z.array(z.string()).nullish() });
const errorBodySchema = z.object({
  errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional() })),
});
const maxErrorBodyBytes = 64 * 1024;
const maxTagPages = 10_000;

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

  constructor(registry: string, options: RegistryOptions = {}, internals: ClientInternals = {}) {
    if ((options.username === undefined) !== (options.password === undefined)) {
      throw new UsageError('give both a registry username and a password, or neither');
    }
    this.registry = registry;
    this.baseUrl = new URL(`${options.plainHttp ? 'http' : 'https'}://${registryEndpoint(registry)}`);
    this.http = new HttpTransport({
      registryHost: this.baseUrl.host,
      insecure: options.insecure,
      caFiles: options.caFiles,
      timeoutMs: options.timeoutMs,
      userAgent: options.userAgent,
      maxAttempts: internals.maxAttempts,
      retryDelayMs: internals.retryDelayMs,
    });
    this.auth = new Authenticator({
      registry,
      baseUrl: this.baseUrl,
      http: this.http,
      plainHttp: options.plainHttp === true,
      credentials: () =>
        findCredentials(registry, {
          username: options.username,
          password: options.password,
          dockerConfigPath: options.dockerConfigPath,
          diagnostics: internals.diagnostics,
        }),
    });
  }

  /**
   * Fetches a manifest or index by tag or digest. By digest, the body must hash to it (and have
   * `expectedSize` bytes when given); by tag, the digest is `Docker-Content-Digest`, checked
   * against the body, or the body's sha256.
   */
  async getManifest(
    repository: string,
    reference: string,
    options: FetchOptions & { expectedSize?: number | undefined } = {},
  ): Promise<FetchedManifest> {
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
   * DigestingStream: the stream fails at its end if the digest or size differ from the descriptor.
   */
  async openBlob(repository: string, descriptor: { digest: string; size?: number }, signal?: AbortSignal): Promise<Readable> {
    const what = `blob ${descriptor.digest} of ${this.name(repository)}`;
    const verified = new DigestingStream(what, descriptor);
    const response = await this.openBlobResponse(repository, descriptor, signal);
    const { body } = response;
    body.on('error', (error) => verified.destroy(transportError(error, response.url, signal)));
    // A consumer that stops early must not leave the connection streaming.
    verified.on('close', () => body.destroy());
    body.pipe(verified);
    return verified;
  }

  /** Every tag of a repository, following `Link: <…>; rel="next"` pagination. */
  async listTags(repository: string, options: FetchOptions & { pageSize?: number | undefined } = {}): Promise<string[]> {
    let url = new URL(`/v2/${repository}/tags/list`, this.baseUrl);
    if (options.pageSize !== undefined) url.searchParams.set('n', String(options.pageSize));
    const tags: string[] = [];
    for (let page = 0; page < maxTagPages; page++) {
      const response = await this.send(repository, { method: 'GET', url, signal: options.signal });
      if (response.status !== 200) throw await this.statusError(response, repository, undefined, 'tags');
      const what = `tag list of ${this.name(repository)}`;
      const body = await readBody(response, options.maxBytes ?? defaultLimits.maxDocumentBytes, what, options.signal);
      checkIsJson(this.registry, what, body, headerValue(response, 'content-type'), 'a tag list');
      const parsed = tagListSchema.safeParse(JSON.parse(body.toString('utf8')));
      if (!parsed.success) throw new RegistryError(`${this.registry} answered the ${what} with an unexpected shape`);
      tags.push(...(parsed.data.tags ?? []));
      const next = nextLink(headerValue(response, 'link'));
      if (next === undefined) return tags;
      url = new URL(next, response.url);
      if (url.origin !== this.baseUrl.origin) {
        throw new RegistryError(`${this.registry}: the tag list of ${repository} continues at another origin (${url.origin}); not following`);
      }
    }
    throw new LimitExceededError(`the tag list of ${this.name(repository)} has more than ${maxTagPages} pages`);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async openBlobResponse(
    repository: string,
    descriptor: { digest: string; size?: number },
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    parseDigest(descriptor.digest); // a malformed digest in a manifest never reaches a URL
    const response = await this.send(repository, { method: 'GET', url: this.url(repository, 'blobs', descriptor.digest), signal });
    if (response.status !== 200) throw await this.statusError(response, repository, descriptor.digest, 'blob');
    const declared = Number(headerValue(response, 'content-length'));
    if (descriptor.size !== undefined && Number.isInteger(declared) && declared !== descriptor.size) {
      abandonBody(response);
      throw new SizeMismatchError(`blob ${descriptor.digest} of ${this.name(repository)}`, descriptor.size, declared);
    }
    return response;
  }

  /** Sends with authorization for the repository; on a 401 learns the challenge and tries once more. */
  private async send(repository: string, request: Omit<HttpRequest, 'authorization'>): Promise<HttpResponse> {
    const scope = pullScope(repository);
    const authorization = await this.auth.authorization(scope, request.signal);
    const response = await this.http.send({ ...request, authorization });
    if (response.status !== 401 || !this.auth.rejected(response, scope, authorization)) return response;
    await discardBody(response);
    return this.http.send({ ...request, authorization: await this.auth.authorization(scope, request.signal) });
  }

  private async statusError(
    response: HttpResponse,
    repository: string,
    reference: string | undefined,
    kind: 'manifest' | 'blob' | 'tags',
  ): Promise<Error> {
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

/** The target of `rel="next"` in a Link header (RFC 8288). */
function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match?.[1] !== undefined && /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2] ?? '')) return match[1];
  }
  return undefined;
}
