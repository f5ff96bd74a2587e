import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { connect, rootCertificates, type TLSSocket } from 'node:tls';
import { z } from 'zod';
import { AbortedError, AuthError, NetworkError, UsageError, messageOf } from '../core/errors.js';
import { registryEndpoint } from '../image/reference.js';
import { Authenticator, catalogScope, pullScope } from '../image/registry/auth.js';
import { discardBody, HttpTransport, readBody, transportError, type HttpResponse } from '../image/registry/http.js';
import { defaultTimeoutMs, type RegistryOptions } from '../image/registry/options.js';
import { parseWwwAuthenticate } from '../image/registry/www-authenticate.js';
import type { RegistryAccess, TlsCertificate } from './model.js';

export interface ProbeOptions extends RegistryOptions {
  /** A repository whose tag list tells whether anonymous pulls work; without it, the first repository of an anonymous catalog. */
  sampleRepository?: string | undefined;
  /** The scan time: `daysLeft` counts from it. */
  now: Date;
  signal?: AbortSignal | undefined;
  /** Where to say why something could not be determined (it is then undefined in the result). */
  diagnostics?: string[] | undefined;
}

const day = 24 * 60 * 60 * 1000;
const maxProbeBodyBytes = 1024 * 1024;
const catalogPageSchema = z.object({ repositories: z.array(z.string()).nullish() });

/** OpenSSL's words for the verification codes Node reports in `authorizationError`. */
const verifyErrorText: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  UNABLE_TO_GET_ISSUER_CERT: 'unable to get issuer certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  CERT_REVOKED: 'certificate revoked',
  CERT_UNTRUSTED: 'certificate not trusted',
  INVALID_CA: 'invalid CA certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: "the host name is not one of the certificate's names",
};

/**
 * Who may reach the registry, asked the way a stranger would: `GET /v2/` with no credentials (its
 * challenge names the auth scheme), then the catalog and a repository's tag list anonymously — for
 * Bearer registries with an anonymous token, as the Authenticator gets one without credentials. For
 * HTTPS, the server certificate as a TLS handshake sees it. No credentials are ever sent, not even
 * those given in `options`. Because of that, the HTTP probes still run over a certificate that does
 * not verify: that failure is what `tls` reports, and nothing secret crosses the connection.
 */
export async function probeAccess(registry: string, options: ProbeOptions): Promise<RegistryAccess> {
  const scheme = options.plainHttp ? 'http' : 'https';
  const baseUrl = new URL(`${scheme}://${registryEndpoint(registry)}`);
  const note = (message: string): void => void options.diagnostics?.push(`${registry}: ${message}`);
  const tls = scheme === 'https' ? await readCertificate(baseUrl, options) : undefined;

  const http = new HttpTransport({
    registryHost: baseUrl.host,
    insecure: options.insecure === true || (tls !== undefined && !tls.trusted),
    caFiles: options.caFiles,
    timeoutMs: options.timeoutMs,
    userAgent: options.userAgent,
    maxAttempts: 2,
  });
  try {
    const root = await http.send({ method: 'GET', url: new URL('/v2/', baseUrl), signal: options.signal });
    await discardBody(root);
    const authScheme = authSchemeOf(root);
    if (root.status !== 200 && root.status !== 401) note(`GET /v2/ answered HTTP ${root.status}, not 200 or 401`);

    const auth = new Authenticator({ registry, baseUrl, http, plainHttp: options.plainHttp === true, credentials: () => Promise.resolve(undefined) });
    const anonymous = (url: URL, scope: string): Promise<HttpResponse | 'denied'> => anonymousGet(auth, http, url, scope, options.signal);

    const catalogUrl = new URL('/v2/_catalog?n=1', baseUrl);
    const catalog = await anonymous(catalogUrl, catalogScope);
    let anonymousCatalog = allowed(catalog, 'the catalog', note);
    let sample = options.sampleRepository;
    if (catalog !== 'denied' && catalog.status === 200) {
      const first = await firstRepository(catalog, options.signal);
      if (first === null) {
        note('the catalog answered 200 without a repository list');
        anonymousCatalog = undefined;
      }
      sample ??= first ?? undefined;
    } else if (catalog !== 'denied') {
      await discardBody(catalog);
    }

    let anonymousPull: boolean | undefined;
    if (sample !== undefined) {
      const tags = await anonymous(new URL(`/v2/${sample}/tags/list?n=1`, baseUrl), pullScope(sample));
      anonymousPull = allowed(tags, `the tag list of ${sample}`, note);
      if (tags !== 'denied') await discardBody(tags);
    }
    return { scheme, authScheme, anonymousPull, anonymousCatalog, tls };
  } finally {
    await http.close();
  }
}

/** Whole days from `now` until `validTo`: 0 on its last day, negative once it has expired. */
export function daysLeft(validTo: Date, now: Date): number {
  return Math.floor((validTo.getTime() - now.getTime()) / day);
}

function authSchemeOf(response: HttpResponse): RegistryAccess['authScheme'] {
  if (response.status === 200) return 'none';
  const schemes = parseWwwAuthenticate(response.headers['www-authenticate']).map((c) => c.scheme);
  if (schemes.includes('bearer')) return 'bearer';
  if (schemes.includes('basic')) return 'basic';
  return 'other';
}

/** GET with no credentials, through an anonymous bearer token when the registry asks for one. */
async function anonymousGet(
  auth: Authenticator,
  http: HttpTransport,
  url: URL,
  scope: string,
  signal: AbortSignal | undefined,
): Promise<HttpResponse | 'denied'> {
  const authorize = async (): Promise<string | undefined | 'denied'> => {
    try {
      return await auth.authorization(scope, signal);
    } catch (error) {
      // the token service refusing an anonymous token is the answer we are after
      if (error instanceof AuthError) return 'denied';
      throw error;
    }
  };
  let authorization = await authorize();
  if (authorization === 'denied') return 'denied';
  const response = await http.send({ method: 'GET', url, authorization, signal });
  if (response.status !== 401 || !auth.rejected(response, scope, authorization)) return response;
  await discardBody(response);
  authorization = await authorize();
  if (authorization === 'denied') return 'denied';
  return http.send({ method: 'GET', url, authorization, signal });
}

/** 200 → true; 401/403 (or a refused token) → false; anything else → undefined, with a note. */
function allowed(response: HttpResponse | 'denied', what: string, note: (message: string) => void): boolean | undefined {
  if (response === 'denied' || response.status === 401 || response.status === 403) return false;
  if (response.status === 200) return true;
  note(`anonymous access to ${what} could not be determined: HTTP ${response.status}`);
  return undefined;
}

/** The first repository of a catalog page; undefined for an empty catalog, null when the body is not a catalog. */
async function firstRepository(response: HttpResponse, signal: AbortSignal | undefined): Promise<string | undefined | null> {
  const body = await readBody(response, maxProbeBodyBytes, 'the catalog', signal);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  const parsed = catalogPageSchema.safeParse(json);
  return parsed.success ? (parsed.data.repositories?.[0] ?? undefined) : null;
}

/** The server certificate, from a TLS handshake that verifies but does not stop on failure. */
async function readCertificate(baseUrl: URL, options: ProbeOptions): Promise<TlsCertificate> {
  const host = baseUrl.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(baseUrl.port || 443);
  const ca = options.caFiles?.length ? [...rootCertificates, ...options.caFiles.map(readCaFile)] : undefined;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const socket = await new Promise<TLSSocket>((resolve, reject) => {
    const signal = options.signal;
    if (signal?.aborted) return reject(new AbortedError());
    const tlsSocket = connect({
      host,
      port,
      // SNI carries host names only (RFC 6066)
      ...(isIP(host) === 0 ? { servername: host } : {}),
      ...(ca ? { ca } : {}),
      rejectUnauthorized: false,
    });
    const onAbort = (): void => void tlsSocket.destroy(new AbortedError());
    signal?.addEventListener('abort', onAbort, { once: true });
    tlsSocket.setTimeout(timeoutMs, () => tlsSocket.destroy(new NetworkError(`timed out during the TLS handshake with ${baseUrl.host}`)));
    tlsSocket.once('secureConnect', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(tlsSocket);
    });
    tlsSocket.once('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(transportError(error, baseUrl, signal));
    });
  });
  try {
    const peer = socket.getPeerCertificate();
    const certificate = new X509Certificate(peer.raw);
    const validTo = new Date(certificate.validTo);
    const code = socket.authorized ? undefined : verifyCode(socket.authorizationError as unknown);
    return {
      subject: commonName(certificate.subject),
      issuer: commonName(certificate.issuer),
      validFrom: new Date(certificate.validFrom).toISOString(),
      validTo: validTo.toISOString(),
      daysLeft: daysLeft(validTo, options.now),
      trusted: socket.authorized,
      error: code === undefined ? undefined : (verifyErrorText[code] ?? code),
      selfSigned: certificate.subject === certificate.issuer,
    };
  } finally {
    socket.destroy();
  }
}

/** Node documents `authorizationError` as an Error but sets OpenSSL's code (`CERT_HAS_EXPIRED`) as a string. */
function verifyCode(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return 'code' in error && typeof error.code === 'string' ? error.code : error.message;
  return 'unknown verification error';
}

/** `CN` of a distinguished name (`C=DE\nO=Example\nCN=registry.example`), or the whole name in one line. */
function commonName(name: string): string {
  const lines = name.split('\n').filter(Boolean);
  const cn = lines.find((line) => line.startsWith('CN='));
  return cn === undefined ? lines.join(', ') : cn.slice(3);
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read CA file ${file}: ${messageOf(error)}`, { cause: error });
  }
}
