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
  /**
   * Hosts (host[:port], lower-case, as the realm URL names them) of Bearer token realms on another
   * origin than the registry's that may receive its credentials. Others get none (an error), unless
   * the Docker config names them or they are the registry's own (Docker Hub's `auth.docker.io`).
   */
  allowRealms?: string[];
  userAgent?: string;
  /** Connect timeout, and longest wait for response headers or between two chunks of a body. */
  timeoutMs?: number;
}

export const defaultTimeoutMs = 30_000;
export const defaultUserAgent = 'shipshape';
