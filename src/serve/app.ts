import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { RegistryConfig } from '../lifecycle/config.js';
import type { Store, TokenScope } from '../store/model.js';
import { registerApiRoutes } from './routes-api.js';
import { registerHostRoutes } from './routes-hosts.js';
import { registerDashboard } from './dashboard/routes.js';
import { renderMetrics } from './metrics.js';
import { pushEventsOf } from './registry-events.js';
import type { RunQueue } from './run-queue.js';
import { hashToken, looksLikeToken, sameSecret } from './tokens.js';

export interface ServerOptions {
  store: Store;
  queue: RunQueue;
  registries: readonly RegistryConfig[];
  /** The secret registry notifications must carry; undefined: the hook refuses every call. */
  webhookSecret: string | undefined;
  now: () => Date;
  log: (message: string) => void;
  https?: { key: Buffer; cert: Buffer } | undefined;
  toolVersion: string;
  /** Imports new advisories and queues a run matching the stored inventories; undefined when `server.advisories` names none. */
  updateAdvisories?: (() => Promise<{ records: number; run: string }>) | undefined;
}

/** Request bodies are small (a run request, a registry notification): anything bigger is refused (a host report's route takes more). */
const bodyLimit = 1024 * 1024;
const sessionCookie = 'shipshape_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The scope of the token the request was made with. */
    scope?: TokenScope;
  }
  interface FastifyContextConfig {
    /** The scope a route needs; `public` routes need none. */
    scope?: TokenScope | 'public' | 'hook';
    /** A dashboard page: without a known token it sends the browser to /signin rather than a 401. */
    page?: boolean;
  }
}

/**
 * The server: the API under /api (JSON, documented at /openapi.json from the route schemas), the
 * registry hook, /metrics, the health probes and the dashboard. Every route but the probes and the
 * sign-in page needs a token (`Authorization: Bearer …`, or the dashboard's session cookie holding
 * one); write routes need a write token; the hook its own secret.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit,
    connectionTimeout: 60_000,
    requestTimeout: 30_000,
    logger: false,
    ...(options.https ? { https: options.https } : {}),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Shipshape server API',
        version: options.toolVersion,
        description: 'Continuous container security posture: runs, posture, findings, images.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  // the distribution registry posts its envelope as its own media type; it is JSON
  app.addContentTypeParser('application/vnd.docker.distribution.events.v1+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.addHook('onRequest', async (request, reply) => {
    const needed = request.routeOptions.config.scope ?? 'read';
    if (needed === 'public' || needed === 'hook') return;
    const token = bearerOf(request) ?? cookieOf(request, sessionCookie);
    const unknown = (message: string): FastifyReply => (request.routeOptions.config.page ? reply.redirect('/signin', 302) : deny(reply, 401, message));
    if (token === undefined) return unknown('a token is needed: Authorization: Bearer <token> (shipshape token create)');
    const found = looksLikeToken(token) ? await options.store.findToken(hashToken(token), options.now().toISOString()) : undefined;
    if (found === undefined) return unknown('the token is not known or was revoked');
    if (needed === 'write' && found.scope !== 'write') return deny(reply, 403, 'this needs a write token');
    request.scope = found.scope;
  });
  app.setErrorHandler((error: { statusCode?: number; message: string; validation?: unknown }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) options.log(`request failed: ${error.message}`);
    void reply.code(status).send({ error: status === 500 ? 'internal error (see the server log)' : error.message });
  });
  app.setNotFoundHandler((_request, reply) => void reply.code(404).send({ error: 'not found' }));

  app.get('/healthz', { config: { scope: 'public' }, schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/readyz', { config: { scope: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    try {
      await options.store.ping();
      return { status: 'ready' };
    } catch (error) {
      return reply.code(503).send({ status: 'not ready', reason: error instanceof Error ? error.message : String(error) });
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/plain; version=0.0.4').send(await renderMetrics(options.store, options.queue)),
  );

  app.post(
    '/api/session',
    {
      config: { scope: 'public' },
      schema: {
        summary: 'Sign in to the dashboard: the token is kept in an HttpOnly cookie',
        body: { type: 'object', required: ['token'], properties: { token: { type: 'string', maxLength: 200 } }, additionalProperties: false },
      },
    },
    async (request, reply) => {
      const { token } = request.body as { token: string };
      const found = looksLikeToken(token) ? await options.store.findToken(hashToken(token), options.now().toISOString()) : undefined;
      if (found === undefined) return deny(reply, 401, 'the token is not known or was revoked');
      const secure = options.https ? '; Secure' : '';
      return reply.header('set-cookie', `${sessionCookie}=${token}; HttpOnly; SameSite=Strict; Path=/${secure}`).send({ scope: found.scope });
    },
  );
  app.delete('/api/session', { config: { scope: 'public' }, schema: { summary: 'Sign out' } }, (_request, reply) =>
    reply.header('set-cookie', `${sessionCookie}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`).send({}),
  );

  app.post(
    '/hooks/registry',
    {
      config: { scope: 'hook' },
      schema: { summary: "A registry's push notification (distribution registry envelope or Harbor webhook)", security: [{ bearer: [] }] },
    },
    async (request, reply) => {
      const secret = options.webhookSecret;
      const given = bearerOf(request);
      if (secret === undefined || given === undefined || !sameSecret(given, secret)) return deny(reply, 401, 'the webhook secret is missing or wrong');
      const accepted: string[] = [];
      const seen = new Set<string>();
      for (const push of pushEventsOf(request.body)) {
        const registry = configuredRegistryOf(options.registries, push.host, push.repository);
        if (registry === undefined || seen.has(`${registry.name}\0${push.repository}`)) continue;
        seen.add(`${registry.name}\0${push.repository}`);
        const run = await options.queue.enqueue('push', { registry: registry.name, repository: push.repository });
        accepted.push(run.id);
      }
      return reply.code(202).send({ runs: accepted });
    },
  );

  registerApiRoutes(app, options);
  registerHostRoutes(app, options);
  await registerDashboard(app);
  return app;
}

/**
 * The configured registry a push belongs to: the one whose host (or `as:` name) the event names and
 * whose prefix holds the repository; with no host in the event, the only registry that fits.
 */
export function configuredRegistryOf(registries: readonly RegistryConfig[], host: string | undefined, repository: string): RegistryConfig | undefined {
  const holds = (r: RegistryConfig): boolean =>
    r.prefix === undefined || repository === r.prefix.replace(/\/+$/, '') || repository.startsWith(`${r.prefix.replace(/\/+$/, '')}/`);
  const fitting = registries.filter(holds);
  if (host === undefined) return fitting.length === 1 ? fitting[0] : undefined;
  return fitting.find((r) => r.registry === host || r.as === host);
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return value.join('=') || undefined;
  }
  return undefined;
}

function deny(reply: FastifyReply, status: 401 | 403, message: string): FastifyReply {
  return reply.code(status).header('www-authenticate', 'Bearer').send({ error: message });
}
