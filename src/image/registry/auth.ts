import { z } from 'zod';
import { AuthError, RegistryError } from '../../core/errors.js';
import { isOwnTokenService } from '../registry-hosts.js';
import type { Credentials } from './credentials.js';
import { discardBody, readBody, type HttpResponse, type HttpTransport } from './http.js';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.js';

export interface AuthenticatorOptions {
  /** The registry as the user named it, for messages. */
  registry: string;
  /** `https://host[:port]` (or `http://` when asked) of the registry API. */
  baseUrl: URL;
  http: HttpTransport;
  /** Looked up only when a registry asks for authentication. */
  credentials: () => Promise<Credentials | undefined>;
  /** Whether the user accepted plain HTTP; otherwise credentials never go to an http:// token realm. */
  plainHttp: boolean;
  /** Token realm hosts on another origin that may receive the credentials (`RegistryOptions.allowRealms`). */
  allowRealms?: readonly string[] | undefined;
  /** Whether the user's Docker config names this host (they log in there): its realm may receive the credentials. */
  dockerConfigNames?: ((host: string) => Promise<boolean>) | undefined;
}

interface Token {
  value: string;
  expiresAt: number;
}

const tokenResponseSchema = z.object({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
});
const maxTokenResponseBytes = 1024 * 1024;
/** The distribution token spec's default lifetime when `expires_in` is absent. */
const defaultTokenSeconds = 60;
const oauthClientId = 'shipshape';

/** `repository:<name>:pull`, the only scope a reader needs. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

/** The scope a Bearer token needs to list `/v2/_catalog` (the distribution token spec's `registry:catalog:*`). */
export const catalogScope = 'registry:catalog:*';

/**
 * Registry authentication as docker does it: probe `GET /v2/`; on a Bearer challenge get a token
 * from the realm for each scope (anonymously, with Basic credentials, or with an identity token
 * through the OAuth2 refresh-token grant), cached until it expires; on a Basic challenge send the
 * credentials. Remembers what it tried so failures can say so without revealing secrets.
 */
export class Authenticator {
  private probe: Promise<void> | undefined;
  private challenge: AuthChallenge | undefined;
  private readonly tokens = new Map<string, Promise<Token>>();
  private credentials: Promise<Credentials | undefined> | undefined;
  private attempted = 'anonymous access';

  constructor(private readonly options: AuthenticatorOptions) {}

  /** What the last authorization was, for error messages: never a password or token. */
  describe(): string {
    return this.attempted;
  }

  /** The `Authorization` value for a request needing `scope`, or undefined for anonymous access. */
  async authorization(scope: string, signal?: AbortSignal): Promise<string | undefined> {
    this.probe ??= this.runProbe(signal).catch((error: unknown) => {
      this.probe = undefined;
      throw error;
    });
    await this.probe;
    const challenge = this.challenge;
    if (challenge?.scheme === 'bearer') return `Bearer ${(await this.token(challenge, scope, signal)).value}`;
    if (challenge?.scheme !== 'basic') {
      this.attempted = 'anonymous access';
      return undefined;
    }
    const credentials = await this.lookupCredentials();
    if (credentials?.kind !== 'basic') {
      this.attempted =
        credentials === undefined
          ? 'anonymous access (no credentials found for basic auth)'
          : `anonymous access (the identity token from ${credentials.source} works only with bearer token auth)`;
      return undefined;
    }
    this.attempted = `basic auth as user ${credentials.username} (from ${credentials.source})`;
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }

  /**
   * Learns from a 401: adopts the challenge it carries and forgets the cached token for `scope`.
   * Returns whether asking again with fresh authorization can help.
   */
  rejected(response: HttpResponse, scope: string, sent: string | undefined): boolean {
    const challenge = pickChallenge(response);
    if (challenge === undefined) return false;
    this.challenge = challenge;
    for (const key of this.tokens.keys()) if (key.endsWith(` ${scope}`)) this.tokens.delete(key);
    // A refused Basic header will be refused again; a bearer token may have expired or lacked the scope.
    return challenge.scheme === 'bearer' || (challenge.scheme === 'basic' && sent === undefined);
  }

  private async runProbe(signal: AbortSignal | undefined): Promise<void> {
    const response = await this.options.http.send({ method: 'GET', url: new URL('/v2/', this.options.baseUrl), signal });
    await discardBody(response);
    // Anything but a 401 means "no authentication announced"; repositories may still ask for it later.
    this.challenge = response.status === 401 ? pickChallenge(response) : undefined;
  }

  private lookupCredentials(): Promise<Credentials | undefined> {
    this.credentials ??= this.options.credentials();
    return this.credentials;
  }

  private token(challenge: AuthChallenge, scope: string, signal: AbortSignal | undefined): Promise<Token> {
    const key = `${challenge.params.realm ?? ''} ${challenge.params.service ?? ''} ${scope}`;
    const cached = this.tokens.get(key);
    if (cached) {
      return cached.then((token) => (token.expiresAt > Date.now() ? token : this.refreshToken(key, challenge, scope, signal)));
    }
    return this.refreshToken(key, challenge, scope, signal);
  }

  private refreshToken(key: string, challenge: AuthChallenge, scope: string, signal: AbortSignal | undefined): Promise<Token> {
    const pending = this.fetchToken(challenge, scope, signal);
    this.tokens.set(key, pending);
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    return pending;
  }

  private async fetchToken(challenge: AuthChallenge, scope: string, signal: AbortSignal | undefined): Promise<Token> {
    const { registry, plainHttp } = this.options;
    const realm = challenge.params.realm;
    if (!realm) throw new AuthError(`${registry} asks for a bearer token but names no token realm`);
    const url = parseRealm(registry, realm);
    const credentials = await this.lookupCredentials();
    this.attempted = describeBearer(realm, credentials);
    if (credentials !== undefined && url.protocol === 'http:' && !plainHttp) {
      throw new AuthError(`${registry}: refusing to send credentials to the plain-HTTP token realm ${realm}`, {
        hint: 'the registry should serve its token endpoint over HTTPS; --plain-http accepts plain HTTP everywhere',
      });
    }
    if (credentials !== undefined) await this.checkRealmHost(url, realm, credentials);

    const service = challenge.params.service;
    let response: HttpResponse;
    if (credentials?.kind === 'identity-token') {
      const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: oauthClientId, scope, refresh_token: credentials.token });
      if (service !== undefined) form.set('service', service);
      response = await this.options.http.send({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        signal,
      });
    } else {
      if (service !== undefined) url.searchParams.append('service', service);
      url.searchParams.append('scope', scope);
      const authorization =
        credentials === undefined ? undefined : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      response = await this.options.http.send({ method: 'GET', url, authorization, signal });
    }

    if (response.status === 401 || response.status === 403) {
      await discardBody(response);
      throw new AuthError(`${registry}: the token service refused ${this.attempted} (HTTP ${response.status})`, {
        hint: 'check the credentials (docker login, or --username/--password)',
      });
    }
    if (response.status !== 200) {
      await discardBody(response);
      throw new RegistryError(`${registry}: the token service at ${realm} answered HTTP ${response.status}`);
    }
    const body = await readBody(response, maxTokenResponseBytes, `the token response from ${realm}`, signal);
    return parseTokenResponse(registry, realm, body);
  }

  /**
   * Credentials go to a token realm on another origin (scheme, host and port) than the registry's
   * only when the user allowed its host: a registry could otherwise name any server as its realm and
   * collect them. Docker sends them anywhere; an anonymous token request (no credentials) still may.
   */
  private async checkRealmHost(url: URL, realm: string, credentials: Credentials): Promise<void> {
    const { registry, baseUrl, allowRealms = [], dockerConfigNames } = this.options;
    if (url.origin === baseUrl.origin) return;
    const host = url.host; // lower-case, the scheme's default port left out
    if (isOwnTokenService(registry, host) || allowRealms.some((allowed) => allowed.toLowerCase() === host) || (await dockerConfigNames?.(host))) return;
    // the host is the registry's to choose (`$(…)` is a valid URL host): only a plain one goes into a command
    const flag = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d+)?$/.test(host) ? `--allow-realm ${host}` : '--allow-realm with its host';
    throw new AuthError(`${registry}: its token realm ${realm} is on another host (${host}); refusing to send it the credentials from ${credentials.source}`, {
      hint: `if that host is this registry's token service, allow it: ${flag} (allowRealm of the registry in shipshape.yaml), or log in to it with docker login`,
    });
  }
}

/** The challenge we act on: Bearer when offered (it scopes access), else Basic. */
function pickChallenge(response: HttpResponse): AuthChallenge | undefined {
  const challenges = parseWwwAuthenticate(response.headers['www-authenticate']);
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

function parseRealm(registry: string, realm: string): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new RegistryError(`${registry} names an invalid token realm ${JSON.stringify(realm)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RegistryError(`${registry} names a token realm that is not HTTP(S): ${realm}`);
  }
  return url;
}

function describeBearer(realm: string, credentials: Credentials | undefined): string {
  if (credentials === undefined) return `an anonymous bearer token from realm ${realm}`;
  if (credentials.kind === 'basic') {
    return `a bearer token from realm ${realm} as user ${credentials.username} (from ${credentials.source})`;
  }
  const user = credentials.username ? ` for user ${credentials.username}` : '';
  return `a bearer token from realm ${realm} with an identity token${user} (from ${credentials.source})`;
}

function parseTokenResponse(registry: string, realm: string, body: Buffer): Token {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new RegistryError(`${registry}: the token service at ${realm} answered something that is not JSON`);
  }
  const parsed = tokenResponseSchema.safeParse(json);
  const value = parsed.success ? (parsed.data.token ?? parsed.data.access_token) : undefined;
  if (!parsed.success || !value) throw new RegistryError(`${registry}: the token response from ${realm} holds no token`);
  const seconds = Math.max(parsed.data.expires_in ?? defaultTokenSeconds, defaultTokenSeconds);
  // Renew a little early so a token does not expire between our check and the registry's.
  return { value, expiresAt: Date.now() + (seconds - 10) * 1000 };
}
