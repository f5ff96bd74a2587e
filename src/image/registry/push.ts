import { request } from 'undici';
import { AuthError, NotFoundError, RegistryError, UsageError } from '../../core/errors.js';
import { digestOf, isDigest, parseDigest } from '../digest.js';
import type { Authenticator } from './auth.js';
import { connectRegistry } from './client.js';
import { discardBody, headerValue, readBody, transportError, type HttpResponse, type HttpTransport } from './http.js';
import { defaultUserAgent, type RegistryOptions } from './options.js';

/** Where to push and how to authenticate: the registry client's options plus the registry. */
export interface PushOptions extends RegistryOptions {
  /** `host[:port]`. */
  registry: string;
}

/** A content-addressed blob held in memory. */
export interface PushBlob {
  digest: string;
  data: Buffer;
}

/** An image manifest (or any manifest-like document) and the blobs it references. */
export interface PushableImage {
  manifest: Buffer;
  mediaType: string;
  /** Config and layers; blobs the registry already has are not sent again. */
  blobs: readonly PushBlob[];
}

export interface PushResult {
  /** The manifest digest the image is stored under. */
  digest: string;
  blobsUploaded: number;
  blobsSkipped: number;
}

const maxErrorBodyBytes = 64 * 1024;

/**
 * Writes images to one registry through the OCI distribution API: blobs by monolithic upload
 * (`POST …/blobs/uploads/` then `PUT <Location>?digest=`), skipped when a `HEAD` finds them, then
 * the manifest. Authentication is the registry client's (`Authenticator`: Basic, or Bearer tokens
 * asked for with `repository:<name>:pull,push`). Credentials go only to the registry's origin: an
 * upload Location on another host gets the upload without them.
 */
export class RegistryPusher {
  readonly baseUrl: URL;
  private readonly http: HttpTransport;
  private readonly auth: Authenticator;

  constructor(private readonly options: PushOptions) {
    ({ baseUrl: this.baseUrl, http: this.http, auth: this.auth } = connectRegistry(options.registry, options));
  }

  /** Pushes the blobs that are missing, then the manifest under `tag` (a tag or the manifest's digest). */
  async pushImage(repository: string, tag: string, image: PushableImage, signal?: AbortSignal): Promise<PushResult> {
    let blobsUploaded = 0;
    let blobsSkipped = 0;
    for (const blob of image.blobs) {
      if (await this.hasBlob(repository, blob.digest, signal)) blobsSkipped++;
      else {
        await this.uploadBlob(repository, blob, signal);
        blobsUploaded++;
      }
    }
    const digest = await this.putManifest(repository, tag, image.manifest, image.mediaType, signal);
    return { digest, blobsUploaded, blobsSkipped };
  }

  /** Pushes each child image by digest, then the index under `tag`. */
  async pushIndex(
    repository: string,
    tag: string,
    index: { manifest: Buffer; mediaType: string; children: readonly PushableImage[] },
    signal?: AbortSignal,
  ): Promise<PushResult> {
    let blobsUploaded = 0;
    let blobsSkipped = 0;
    for (const child of index.children) {
      const result = await this.pushImage(repository, digestOf(child.manifest), child, signal);
      blobsUploaded += result.blobsUploaded;
      blobsSkipped += result.blobsSkipped;
    }
    const digest = await this.putManifest(repository, tag, index.manifest, index.mediaType, signal);
    return { digest, blobsUploaded, blobsSkipped };
  }

  /** Whether the repository already has the blob (`HEAD`: 200 yes, 404 no). */
  async hasBlob(repository: string, digest: string, signal?: AbortSignal): Promise<boolean> {
    parseDigest(digest);
    const url = new URL(`/v2/${repository}/blobs/${digest}`, this.baseUrl);
    const response = await this.send(repository, signal, (authorization) => this.http.send({ method: 'HEAD', url, authorization, signal }));
    await discardBody(response);
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    throw await this.statusError(response, `HEAD blob ${digest} of ${repository}`);
  }

  /** A monolithic upload: open an upload session, then PUT the whole blob to its Location with `digest=`. */
  async uploadBlob(repository: string, blob: PushBlob, signal?: AbortSignal): Promise<void> {
    parseDigest(blob.digest);
    const start = new URL(`/v2/${repository}/blobs/uploads/`, this.baseUrl);
    const opened = await this.send(repository, signal, (authorization) => this.http.send({ method: 'POST', url: start, authorization, body: '', signal }));
    if (opened.status !== 202) throw await this.statusError(opened, `starting an upload to ${repository}`);
    await discardBody(opened);
    const location = headerValue(opened, 'location');
    if (!location) throw new RegistryError(`${this.options.registry} opened an upload to ${repository} without a Location`);
    const target = withQuery(new URL(location, opened.url), 'digest', blob.digest);
    const sameOrigin = target.origin === this.baseUrl.origin;
    const response = await this.send(repository, signal, (authorization) =>
      this.put(target, blob.data, 'application/octet-stream', sameOrigin ? authorization : undefined, signal),
    );
    if (response.status !== 201) throw await this.statusError(response, `uploading blob ${blob.digest} to ${repository}`);
    await discardBody(response);
    const stored = headerValue(response, 'docker-content-digest');
    if (stored !== undefined && isDigest(stored) && stored !== blob.digest) {
      throw new RegistryError(`${this.options.registry} stored blob ${blob.digest} of ${repository} as ${stored}`);
    }
  }

  /** PUTs any manifest document (image, index, signature or attestation artefact) by tag or digest; returns its digest. */
  async putManifest(repository: string, reference: string, body: Buffer, mediaType: string, signal?: AbortSignal): Promise<string> {
    const digest = digestOf(body);
    if (isDigest(reference) && reference !== digest) throw new UsageError(`the manifest's digest is ${digest}, not ${reference}`);
    const url = new URL(`/v2/${repository}/manifests/${reference}`, this.baseUrl);
    const response = await this.send(repository, signal, (authorization) => this.put(url, body, mediaType, authorization, signal));
    if (response.status !== 201) throw await this.statusError(response, `PUT manifest ${repository}:${reference}`);
    await discardBody(response);
    const stored = headerValue(response, 'docker-content-digest');
    if (stored !== undefined && isDigest(stored) && stored !== digest) {
      throw new RegistryError(`${this.options.registry} stored the manifest ${repository}:${reference} as ${stored}, not ${digest}`);
    }
    return digest;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** Sends with push authorization; on a 401 learns the challenge and tries once more. */
  private async send(
    repository: string,
    signal: AbortSignal | undefined,
    attempt: (authorization: string | undefined) => Promise<HttpResponse>,
  ): Promise<HttpResponse> {
    const scope = pushScope(repository);
    const authorization = await this.auth.authorization(scope, signal);
    const response = await attempt(authorization);
    if (response.status !== 401 || !this.auth.rejected(response, scope, authorization)) return response;
    await discardBody(response);
    return attempt(await this.auth.authorization(scope, signal));
  }

  /** A PUT with a body. Never follows redirects: a registry that redirects a write is answered as an error. */
  private async put(url: URL, body: Buffer, contentType: string, authorization: string | undefined, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent ?? defaultUserAgent,
      'content-type': contentType,
      'content-length': String(body.length),
    };
    if (authorization !== undefined) headers.authorization = authorization;
    try {
      const response = await request(url, {
        method: 'PUT',
        headers,
        body,
        signal,
        // the transport's pools: its TLS settings, `insecure` for the registry host only
        dispatcher: this.http.dispatcherFor(url),
      });
      return { status: response.statusCode, url, headers: response.headers, body: response.body };
    } catch (error) {
      throw transportError(error, url, signal);
    }
  }

  private async statusError(response: HttpResponse, what: string): Promise<Error> {
    let detail = '';
    try {
      const text = (await readBody(response, maxErrorBodyBytes, 'error body')).toString('utf8');
      const first = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors?.[0];
      detail = [first?.code, first?.message].filter(Boolean).join(' ');
    } catch {
      // the status says enough
    }
    const suffix = detail ? `: ${detail.slice(0, 300)}` : '';
    const { status } = response;
    if (status === 401 || status === 403) {
      return new AuthError(`${this.options.registry}: ${what} denied (HTTP ${status}) with ${this.auth.describe()}${suffix}`, {
        hint: 'check the credentials, and that the account may push to this repository',
      });
    }
    if (status === 404) return new NotFoundError(`${this.options.registry}: ${what}: not found${suffix}`);
    return new RegistryError(`${this.options.registry} answered HTTP ${status} for ${what}${suffix}`);
  }
}

/** `repository:<name>:pull,push`: what a token must grant to write a repository. */
function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}

/** Pushes one image and closes the connection. */
export async function pushImage(options: PushOptions, repository: string, tag: string, image: PushableImage, signal?: AbortSignal): Promise<PushResult> {
  const pusher = new RegistryPusher(options);
  try {
    return await pusher.pushImage(repository, tag, image, signal);
  } finally {
    await pusher.close();
  }
}

/** Pushes an index and its images, then closes the connection. */
export async function pushIndex(
  options: PushOptions,
  repository: string,
  tag: string,
  index: { manifest: Buffer; mediaType: string; children: readonly PushableImage[] },
  signal?: AbortSignal,
): Promise<PushResult> {
  const pusher = new RegistryPusher(options);
  try {
    return await pusher.pushIndex(repository, tag, index, signal);
  } finally {
    await pusher.close();
  }
}

/** PUTs one manifest document (e.g. a signature artefact with a `subject`) by tag or digest, then closes the connection. */
export async function putManifest(
  options: PushOptions,
  repository: string,
  reference: string,
  body: Buffer,
  mediaType: string,
  signal?: AbortSignal,
): Promise<string> {
  const pusher = new RegistryPusher(options);
  try {
    return await pusher.putManifest(repository, reference, body, mediaType, signal);
  } finally {
    await pusher.close();
  }
}

/** Adds a query parameter to a URL as written, keeping any query the registry put there (its upload state). */
function withQuery(url: URL, name: string, value: string): URL {
  const pair = `${name}=${encodeURIComponent(value)}`;
  return new URL(url.search ? `${url.href}&${pair}` : `${url.href.replace(/\?$/, '')}?${pair}`);
}
