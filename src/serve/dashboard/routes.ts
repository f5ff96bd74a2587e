import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SafeHtml } from '../../report/html/escape.js';
import { type Asset, dashboardCss, dashboardScript } from './assets.js';
import { estateSummaryOf, postureFor } from './estate.js';
import { mapFragmentOf } from './map-fragment.js';
import { appPage, dashboardCsp, signinPage, viewPaths } from './shell.js';

const runQuery = { type: 'object', properties: { run: { type: 'string', pattern: '^[a-z0-9]{1,40}$' } }, additionalProperties: false } as const;

/**
 * The dashboard, served by the API's own process and origin: the pages (signed in, or sent to
 * /signin), the sign-in page, the script and stylesheet (public: they hold no data), and two reads
 * made for it — the overview's summary of the latest posture and the map drawn as the report draws
 * it. Everything else the page reads is the JSON API.
 */
export async function registerDashboard(app: FastifyInstance): Promise<void> {
  for (const path of viewPaths) app.get(path, { config: { page: true }, schema: { hide: true } }, (_request, reply) => sendHtml(reply, appPage));
  app.get('/signin', { config: { scope: 'public' }, schema: { hide: true } }, (_request, reply) => sendHtml(reply, signinPage));
  app.get('/assets/dashboard.css', { config: { scope: 'public' }, schema: { hide: true } }, (request, reply) =>
    sendAsset(request, reply, 'text/css; charset=utf-8', dashboardCss),
  );
  app.get('/assets/dashboard.js', { config: { scope: 'public' }, schema: { hide: true } }, async (request, reply) =>
    sendAsset(request, reply, 'text/javascript; charset=utf-8', await dashboardScript()),
  );

  app.get('/dashboard/estate', { schema: { hide: true, querystring: runQuery } }, async (request, reply) => {
    const found = await postureFor(app, request, (request.query as { run?: string }).run);
    if (!found.ok) return reply.code(found.status).type('application/json; charset=utf-8').send(found.body);
    return estateSummaryOf(found.document);
  });
  app.get('/dashboard/map', { schema: { hide: true, querystring: runQuery } }, async (request, reply) => {
    const found = await postureFor(app, request, (request.query as { run?: string }).run);
    if (!found.ok) return reply.code(found.status).type('application/json; charset=utf-8').send(found.body);
    return sendHtml(reply, await mapFragmentOf(found.document));
  });
}

/** Pages and the map's markup: under the dashboard's CSP, never cached, never framed. */
function sendHtml(reply: FastifyReply, markup: SafeHtml): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', dashboardCsp)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .send(markup.toString());
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, type: string, asset: Asset): FastifyReply {
  void reply.header('etag', asset.etag).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.type(type).send(asset.body);
}
