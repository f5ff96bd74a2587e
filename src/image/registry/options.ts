/** How to reach and authenticate to a registry. The CLI fills these; nothing here reads the environment. */
export interface RegistryOptions {
  /** Skip TLS certificate verification for the registry host (never for other hosts it redirects to). */
  insecure?: boolean;
  /** PEM files of extra certificate authorities, trusted in addition to the built-in roots. */
  caFiles?: string[];
  /** Talk plain HTTP to the registry. Only when asked: credentials and content travel unprotected. */
  plainHttp?: boolean;
  username?: string;
  password?: string;
  /** A Docker `config.json` to read credentials from (`auths`, `credHelpers`, `credsStore`). */
  dockerConfigPath?: string;
  userAgent?: string;
  /** Connect timeout, and longest wait for response headers or between two chunks of a body. */
  timeoutMs?: number;
}

export const defaultTimeoutMs = 30_000;
export const defaultUserAgent = 'shipshape';
