import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import {
  AbortedError,
  LimitExceededError,
  NetworkError,
  RegistryError,
  TlsError,
  UsageError,
  isShipshapeError,
  messageOf,
} from '../../core/errors.js';
import { defaultTimeoutMs, defaultUserAgent } from './options.js';

export interface TransportOptions {
  /** `host[:port]` of the registry: the only origin `insecure` relaxes verification for. */
  registryHost: string;
  insecure?: boolean | undefined;
  caFiles?: string[] | undefined;
  timeoutMs?: number | undefined;
  userAgent?: string | undefined;
  /** Tries per idempotent request (default 3). */
  maxAttempts?: number | undefined;
  /** First backoff delay; doubles each retry (default 250 ms). */
  retryDelayMs?: number | undefined;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers?: Record<string, string> | undefined;
  /** An `Authorization` value, sent only to `url`'s origin: dropped for good once a redirect leaves it. */
  authorization?: string | undefined;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface HttpResponse {
  status: number;
  /** Where the response came from, after redirects. */
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

const maxRedirects = 5;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const retryStatuses = new Set([429, 502, 503, 504]);
const maxRetryAfterMs = 10_000;

/**
 * HTTP for registry clients, on undici. TLS is verified unless `insecure` (for the registry host
 * only); redirects are followed by hand so that credentials never reach another origin and HTTPS
 * never downgrades to HTTP; idempotent requests are retried on network errors, 429 and 502-504.
 * Transport failures become NetworkError / TlsError / AbortedError naming the host. No cookies are
 * kept, so none can leak across origins either.
 */
export class HttpTransport {
  private readonly strictAgent: Agent;
  private readonly registryAgent: Agent;
  private readonly userAgent: string;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: TransportOptions) {
    const timeout = options.timeoutMs ?? defaultTimeoutMs;
    const ca = options.caFiles?.length ? [...rootCertificates, ...options.caFiles.map(readCaFile)] : undefined;
    const agentOptions = (rejectUnauthorized: boolean): Agent.Options => ({
      connect: { timeout, rejectUnauthorized, ...(ca ? { ca } : {}) },
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    this.strictAgent = new Agent(agentOptions(true));
    this.registryAgent = options.insecure ? new Agent(agentOptions(false)) : this.strictAgent;
    this.userAgent = options.userAgent ?? defaultUserAgent;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 250;
  }

  /** The connection pool for a URL: the registry's (relaxed by `insecure`) or the strict one for any other host. */
  dispatcherFor(url: URL): Agent {
    return url.host === this.options.registryHost ? this.registryAgent : this.strictAgent;
  }

  /** Sends a request, following redirects and retrying idempotent ones. The caller consumes or discards the body. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const idempotent = req.method !== 'POST';
    for (let attempt = 1; ; attempt++) {
      const last = !idempotent || attempt >= this.maxAttempts;
      let response: HttpResponse;
      try {
        response = await this.followRedirects(req);
      } catch (error) {
        if (last || !(error instanceof NetworkError)) throw error;
        await this.backoff(attempt, undefined, req);
        continue;
      }
      if (last || !retryStatuses.has(response.status)) return response;
      await discardBody(response);
      await this.backoff(attempt, headerValue(response, 'retry-after'), req);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.strictAgent.close(), this.registryAgent === this.strictAgent ? undefined : this.registryAgent.close()]);
  }

  private async followRedirects(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let authorization = req.authorization;
    for (let redirects = 0; ; redirects++) {
      const response = await this.once(req, url, authorization);
      if (req.method === 'POST' || !redirectStatuses.has(response.status)) return response;
      await discardBody(response);
      const location = headerValue(response, 'location');
      if (!location) throw new RegistryError(`${url.host} answered ${response.status} (redirect) without a Location`);
      if (redirects >= maxRedirects) throw new RegistryError(`${req.url.host}: more than ${maxRedirects} redirects for ${req.url.pathname}`);
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new RegistryError(`${url.host} redirected to an unsupported URL scheme ${next.protocol}`);
      }
      if (url.protocol === 'https:' && next.protocol === 'http:') {
        throw new RegistryError(`${url.host} redirected from HTTPS to plain HTTP (${next.origin}); refusing the downgrade`);
      }
      if (next.origin !== url.origin) authorization = undefined;
      url = next;
    }
  }

  private async once(req: HttpRequest, url: URL, authorization: string | undefined): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
    if (authorization !== undefined) headers.authorization = authorization;
    try {
      const response = await request(url, {
        method: req.method,
        headers,
        body: req.body,
        signal: req.signal,
        dispatcher: this.dispatcherFor(url),
      });
      return { status: response.statusCode, url, headers: response.headers, body: response.body };
    } catch (error) {
      throw transportError(error, url, req.signal);
    }
  }

  private async backoff(attempt: number, retryAfter: string | undefined, req: HttpRequest): Promise<void> {
    const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
    const ms = Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, maxRetryAfterMs) : this.retryDelayMs * 2 ** (attempt - 1);
    try {
      await delay(ms, undefined, { signal: req.signal });
    } catch (error) {
      throw new AbortedError({ cause: error });
    }
  }
}

function readCaFile(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read CA file ${file}: ${messageOf(error)}`, { cause: error });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`CA file ${file} holds no PEM certificate`);
  return pem;
}

/** The first value of a response header. */
export function headerValue(response: Pick<HttpResponse, 'headers'>, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Drops a body we do not need, so the connection can be reused. */
export async function discardBody(response: HttpResponse): Promise<void> {
  try {
    await response.body.dump();
  } catch {
    // The response is already judged; a failure to drain it only costs the connection.
  }
}

/** Stops a body we will not read. undici reports the destroy as an 'error' event: expected here. */
export function abandonBody(response: HttpResponse): void {
  response.body.on('error', () => undefined);
  response.body.destroy();
}

/** Reads a whole body into memory, refusing more than `maxBytes` (LimitExceededError). */
export async function readBody(response: HttpResponse, maxBytes: number, what: string, signal?: AbortSignal): Promise<Buffer> {
  const tooLarge = (): LimitExceededError =>
    new LimitExceededError(`${what} is larger than the ${maxBytes}-byte limit for documents`);
  const declared = Number(headerValue(response, 'content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    abandonBody(response);
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      total += buffer.length;
      if (total > maxBytes) {
        abandonBody(response);
        throw tooLarge();
      }
      chunks.push(buffer);
    }
  } catch (error) {
    throw transportError(error, response.url, signal);
  }
  return Buffer.concat(chunks);
}

const tlsCodePattern = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|EPROTO$)/;
const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** Maps an undici / socket failure to a typed error naming the host. Typed errors pass through. */
export function transportError(error: unknown, url: URL, signal: AbortSignal | undefined): Error {
  if (isShipshapeError(error)) return error;
  if (signal?.aborted) return new AbortedError({ cause: error });
  const codes = errorCodes(error);
  const host = url.host;
  const tls = codes.find((code) => tlsCodePattern.test(code));
  if (tls !== undefined) {
    const wrongProtocol = tls === 'EPROTO' || tls === 'ERR_SSL_WRONG_VERSION_NUMBER';
    // OpenSSL's own text ("...:error:0A00010B:SSL routines:...") says nothing more to a user than the code
    const detail = wrongProtocol ? 'the server did not answer with TLS' : deepestMessage(error).split('\n')[0];
    return new TlsError(`TLS with ${host} failed (${tls}): ${detail}`, {
      cause: error,
      hint: wrongProtocol
        ? 'the server may not speak TLS; if it is a plain-HTTP registry, use --plain-http'
        : 'if the registry uses a private CA, pass its certificate with --ca-file; --insecure skips verification (unsafe)',
    });
  }
  if (codes.some((code) => timeoutCodes.has(code))) {
    return new NetworkError(`timed out talking to ${host}`, { cause: error });
  }
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
    return new NetworkError(`cannot resolve the host name ${url.hostname}`, { cause: error });
  }
  if (codes.includes('ECONNREFUSED')) return new NetworkError(`connection refused by ${host}`, { cause: error });
  if (codes.some((code) => networkCodes.has(code))) {
    return new NetworkError(`network error talking to ${host}: ${deepestMessage(error)}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Error codes along the cause chain, including the parts of an AggregateError (one per address tried). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (!(error instanceof Error) || depth > 5) return [];
  const own = 'code' in error && typeof error.code === 'string' ? [error.code] : [];
  const parts = error instanceof AggregateError ? error.errors.flatMap((part: unknown) => errorCodes(part, depth + 1)) : [];
  return [...own, ...parts, ...errorCodes(error.cause, depth + 1)];
}

function deepestMessage(error: unknown): string {
  let current = error;
  for (;;) {
    if (current instanceof AggregateError && current.errors[0] instanceof Error) current = current.errors[0];
    else if (current instanceof Error && current.cause instanceof Error) current = current.cause;
    else return messageOf(current);
  }
}
