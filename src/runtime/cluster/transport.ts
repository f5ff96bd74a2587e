import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { AbortedError, LimitExceededError, NetworkError, TlsError, messageOf } from '../../core/errors.js';

/** One raw API server answer: the status and the undecoded body. */
export interface ApiResponse {
  status: number;
  body: string;
}

/** Bounds on one request to an API server we do not control. */
export interface TransportLimits {
  /** Largest response body read, in bytes. */
  maxResponseBytes: number;
  /** Milliseconds without progress before the request is abandoned. */
  timeoutMs: number;
}

export const defaultTransportLimits: TransportLimits = { maxResponseBytes: 64 * 1024 ** 2, timeoutMs: 30_000 };

const tlsCodes = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

/**
 * The server URL as it may be shown to people: without any `user:password@` part. Only this
 * string goes into messages; request headers (bearer tokens) never do.
 */
export function displayServer(server: string): string {
  try {
    const url = new URL(server);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '<invalid server URL>';
  }
}

/**
 * GETs `path` from the current context's API server. Authentication, client certificates, CA,
 * `insecure-skip-tls-verify` and proxies all come from the KubeConfig (including exec and
 * token-file providers, re-applied per request so refreshed tokens are used). Returns the raw
 * body on purpose: the generated typed clients drop fields their model does not know and turn
 * timestamps into Dates, and a posture scanner must see objects exactly as stored.
 */
export async function getRaw(
  config: KubeConfig,
  server: string,
  path: string,
  signal: AbortSignal | undefined,
  limits: TransportLimits = defaultTransportLimits,
): Promise<ApiResponse> {
  const shown = displayServer(server);
  if (signal?.aborted === true) throw new AbortedError({ cause: signal.reason });
  const options: https.RequestOptions = {};
  try {
    await config.applyToHTTPSOptions(options);
  } catch (error) {
    // Exec plugins and token files fail here; their messages name the plugin, not the token.
    throw new NetworkError(`${shown}: could not prepare credentials: ${messageOf(error)}`, { cause: error });
  }
  const base = new URL(server);
  // Keep a path prefix (e.g. Rancher's `/k8s/clusters/c-xxx`) in front of the API path.
  const url = new URL(base.pathname.replace(/\/$/, '') + path, base.origin);
  const request = url.protocol === 'http:' ? http.request : https.request;
  return new Promise<ApiResponse>((resolve, reject) => {
    const req = request(url, { ...options, method: 'GET', headers: { ...options.headers, Accept: 'application/json' }, signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxResponseBytes) {
          req.destroy(new LimitExceededError(`${shown}${path}: response larger than ${limits.maxResponseBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => reject(classify(error, shown, signal)));
    });
    req.setTimeout(limits.timeoutMs, () => {
      req.destroy(new NetworkError(`${shown}: no answer within ${limits.timeoutMs / 1000}s`));
    });
    req.on('error', (error) => reject(classify(error, shown, signal)));
    req.end();
  });
}

function classify(error: Error, shown: string, signal: AbortSignal | undefined): Error {
  if (error instanceof LimitExceededError || error instanceof NetworkError) return error;
  if (signal?.aborted === true) return new AbortedError({ cause: error });
  const code = (error as NodeJS.ErrnoException).code;
  if ((code !== undefined && (tlsCodes.has(code) || code.startsWith('ERR_SSL_'))) || /certificate|TLS|SSL/i.test(error.message)) {
    return new TlsError(`${shown}: TLS failed: ${error.message}`, {
      cause: error,
      hint: 'check certificate-authority(-data) and the server name in the kubeconfig',
    });
  }
  return new NetworkError(`${shown}: could not reach the API server: ${code ?? error.message}`, {
    cause: error,
    hint: 'check the server address, VPN and proxy, and that the cluster is running',
  });
}
