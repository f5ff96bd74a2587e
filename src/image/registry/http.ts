import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Transform, type TransformCallback } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { AbortedError, LimitExceededError, NetworkError, RegistryError, TlsError, UsageError, isShipshapeError, messageOf } from '../../core/errors.js';
import { defaultRegistryLimits, type RegistryLimits } from '../../core/limits.js';
import { defaultTimeoutMs, defaultUserAgent } from './options.js';

/** The bounds a transport enforces on each request. */
export type TransferLimits = Pick<RegistryLimits, 'requestDeadlineMs' | 'minTransferBytes' | 'transferWindowMs'>;

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
  /** The request deadline and the minimum transfer rate (default `defaultRegistryLimits`). */
  limits?: TransferLimits | undefined;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers?: Record<string, string> | undefined;
  /** An `Authorization` value, sent only to `url`'s origin: dropped for good once a redirect leaves it. */
  authorization?: string | undefined;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
  /**
   * The caller streams the body (a blob) through `TransferRateGuard`: the request deadline then ends
   * when the headers arrive. Otherwise it also covers the whole body, however slowly it comes.
   */
  stream?: boolean | undefined;
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
 * kept, so none can leak across origins either. Each `send` has a deadline (`requestDeadlineMs`)
 * covering redirects, retries and — unless the caller streams it — the body.
 */
export class HttpTransport {
  private readonly strictAgent: Agent;
  private readonly registryAgent: Agent;
  private readonly userAgent: string;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly limits: TransferLimits;

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
    this.limits = options.limits ?? defaultRegistryLimits;
  }

  /** The connection pool for a URL: the registry's (relaxed by `insecure`) or the strict one for any other host. */
  dispatcherFor(url: URL): Agent {
    return url.host === this.options.registryHost ? this.registryAgent : this.strictAgent;
  }

  /**
   * Sends a request, following redirects and retrying idempotent ones, within the request deadline.
   * The caller consumes or discards the body.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const deadline = new RequestDeadline(req, this.limits.requestDeadlineMs);
    let response: HttpResponse;
    try {
      response = await this.sendWithin(req, deadline.signal);
    } catch (error) {
      deadline.release();
      throw error;
    }
    // undici stops listening to the signal once the body closes: so do we
    response.body.once('close', () => deadline.release());
    if (req.stream === true) deadline.stopClock();
    return response;
  }

  /** Guards a streamed body (see `HttpRequest.stream`) with the minimum transfer rate. */
  rateGuard(what: string): TransferRateGuard {
    return new TransferRateGuard(what, this.limits);
  }

  private async sendWithin(req: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    const idempotent = req.method !== 'POST';
    for (let attempt = 1; ; attempt++) {
      const last = !idempotent || attempt >= this.maxAttempts;
      let response: HttpResponse;
      try {
        response = await this.followRedirects(req, signal);
      } catch (error) {
        if (last || !(error instanceof NetworkError)) throw error;
        await this.backoff(attempt, undefined, signal);
        continue;
      }
      if (last || !retryStatuses.has(response.status)) return response;
      await discardBody(response);
      await this.backoff(attempt, headerValue(response, 'retry-after'), signal);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.strictAgent.close(), this.registryAgent === this.strictAgent ? undefined : this.registryAgent.close()]);
  }

  private async followRedirects(req: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    let url = req.url;
    let authorization = req.authorization;
    for (let redirects = 0; ; redirects++) {
      const response = await this.once(req, url, authorization, signal);
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

  /** One exchange; `signal` is the deadline's (it also carries the caller's abort). */
  private async once(req: HttpRequest, url: URL, authorization: string | undefined, signal: AbortSignal): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
    if (authorization !== undefined) headers.authorization = authorization;
    try {
      const response = await request(url, {
        method: req.method,
        headers,
        body: req.body,
        signal,
        dispatcher: this.dispatcherFor(url),
      });
      return { status: response.statusCode, url, headers: response.headers, body: response.body };
    } catch (error) {
      throw transportError(error, url, req.signal);
    }
  }

  private async backoff(attempt: number, retryAfter: string | undefined, signal: AbortSignal): Promise<void> {
    const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
    const ms = Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, maxRetryAfterMs) : this.retryDelayMs * 2 ** (attempt - 1);
    try {
      await delay(ms, undefined, { signal });
    } catch (error) {
      // the deadline's own error, or the caller's cancel
      throw isShipshapeError(signal.reason) ? signal.reason : new AbortedError({ cause: error });
    }
  }
}

/**
 * One `send`'s deadline. Its signal goes to undici, which then fails the request — or destroys the
 * body being read — with the deadline's LimitExceededError as the reason; the caller's own cancel
 * is forwarded through it (and still maps to AbortedError, see `transportError`).
 */
class RequestDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly forward = (): void => this.controller.abort(this.outer?.reason);
  private readonly outer: AbortSignal | undefined;

  constructor(req: HttpRequest, ms: number) {
    this.outer = req.signal;
    const what = `${req.url.host} did not answer ${req.method} ${req.url.pathname}`;
    this.timer = setTimeout(() => this.controller.abort(new LimitExceededError(`${what} within ${ms / 1000} s (the requestDeadlineMs limit)`)), ms);
    this.timer.unref();
    if (this.outer?.aborted === true) this.forward();
    else this.outer?.addEventListener('abort', this.forward, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** A streamed body is past the deadline's reach once its headers are in (the rate guard takes over). */
  stopClock(): void {
    clearTimeout(this.timer);
  }

  release(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.forward);
  }
}

/**
 * Passes a streamed body through, failing it with a LimitExceededError when less than
 * `minTransferBytes` came in `transferWindowMs` of waiting for it. Only time spent waiting on the
 * server counts: while the reader downstream is behind (the guard's buffer is full), the clock stops.
 * Total silence is undici's idle `bodyTimeout`; this catches a body dripped slower than that.
 */
export class TransferRateGuard extends Transform {
  private waitingSince: number | undefined = performance.now();
  private waited = 0;
  private received = 0;

  constructor(
    private readonly what: string,
    private readonly limits: TransferLimits,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const now = performance.now();
    if (this.waitingSince !== undefined) this.waited += now - this.waitingSince;
    this.received += chunk.length;
    if (this.waited >= this.limits.transferWindowMs) {
      if (this.received < this.limits.minTransferBytes) {
        done(
          new LimitExceededError(
            `${this.what}: ${this.received} bytes in ${Math.round(this.waited / 1000)} s, slower than the minimum transfer rate (${this.limits.minTransferBytes} bytes per ${this.limits.transferWindowMs / 1000} s: the minTransferBytes limit)`,
          ),
        );
        return;
      }
      this.waited = 0;
      this.received = 0;
    }
    // when the reader is behind, the next chunk's wait is ours, not the server's
    this.waitingSince = this.push(chunk) ? now : undefined;
    done();
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
  const tooLarge = (): LimitExceededError => new LimitExceededError(`${what} is larger than the ${maxBytes}-byte limit for documents`);
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
  if (codes.includes('UND_ERR_HEADERS_OVERFLOW')) {
    return new RegistryError(`${host} answered with response headers larger than the HTTP client's limit`, { cause: error });
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
