import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { traceLifecycle } from '../lifecycle/trace.js';
import type { LifecycleMap } from '../lifecycle/model.js';
import type { FindingFilter, PageRequest, RunRecord } from '../store/model.js';
import type { ServerOptions } from './app.js';

/** The querystring of a list a page at a time. */
export const page = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  cursor: { type: 'string', maxLength: 200 },
} as const;
const runId = { type: 'string', pattern: '^[a-z0-9]{1,40}$' } as const;
const digest = { type: 'string', pattern: '^sha256:[a-f0-9]{64}$' } as const;
const severities = 'CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN (comma-separated)';

/** The posture document as stored (`posture -f json`): the parts the API hands out on their own. */
interface PostureDocument {
  posture: { controls: unknown[] };
  map: LifecycleMap;
}

interface PageQuery {
  limit: number;
  cursor?: string;
}

/** The JSON API: runs, posture, controls, gaps, findings, images, the map and traces, diffs. */
export function registerApiRoutes(app: FastifyInstance, options: ServerOptions): void {
  const { store, queue } = options;
  const pageOf = (query: PageQuery): PageRequest => ({ limit: query.limit, cursor: query.cursor });
  /** A handler answering from the posture document of `?run=` (default: the latest finished run). */
  const fromDocument =
    (view: (found: { run: RunRecord; document: PostureDocument }, query: { run?: string; q?: string }) => unknown) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const query = request.query as { run?: string; q?: string };
      const found = await store.getDocument(query.run);
      return found ? view({ run: found.run, document: found.document as PostureDocument }, query) : notFound(reply, 'no finished run yet');
    };

  app.post('/api/runs', { config: { scope: 'write' }, schema: { summary: 'Start a run of the whole estate', tags: ['runs'] } }, async (_request, reply) => {
    const run = await queue.enqueue('manual');
    return reply.code(202).send({ id: run.id });
  });
  app.post(
    '/api/advisories/update',
    {
      config: { scope: 'write' },
      schema: {
        summary: 'Import the advisories of server.advisories now, then match every stored inventory against them (a run; no image is read)',
        tags: ['runs'],
      },
    },
    async (_request, reply) => {
      if (!options.updateAdvisories) return reply.code(409).send({ error: 'no advisory sources configured (server.advisories in shipshape.yaml)' });
      return reply.code(202).send(await options.updateAdvisories());
    },
  );
  app.get('/api/runs', { schema: { summary: 'Runs, newest first', tags: ['runs'], querystring: { type: 'object', properties: page } } }, async (request) =>
    store.listRuns(pageOf(request.query as PageQuery)),
  );
  app.get(
    '/api/runs/:id',
    {
      schema: {
        summary: 'One run: status, times, parts (what was read, what failed, how long), stats',
        tags: ['runs'],
        params: { type: 'object', properties: { id: runId } },
      },
    },
    async (request, reply) => {
      const run = await store.getRun((request.params as { id: string }).id);
      return run ? runView(run) : notFound(reply, 'no such run');
    },
  );
  app.get(
    '/api/runs/:a/diff/:b',
    {
      schema: {
        summary: 'What changed from run a to run b: findings and gaps opened and resolved, phase scores',
        tags: ['runs'],
        params: { type: 'object', properties: { a: runId, b: runId } },
      },
    },
    async (request, reply) => {
      const { a, b } = request.params as { a: string; b: string };
      return (await store.diffRuns(a, b)) ?? notFound(reply, 'no such run');
    },
  );
  app.get(
    '/api/posture',
    {
      schema: {
        summary: 'The posture document of `shipshape posture -f json`, of the latest finished run (or ?run=ID), with the run id, time and stale parts',
        tags: ['posture'],
        querystring: { type: 'object', properties: { run: runId } },
      },
    },
    fromDocument(({ run, document }) => ({ ...document, run: runView(run) })),
  );
  app.get(
    '/api/controls',
    {
      schema: {
        summary: 'The controls of the latest finished run (or ?run=ID): status, summary, evidence, changes',
        tags: ['posture'],
        querystring: { type: 'object', properties: { run: runId } },
      },
    },
    fromDocument(({ run, document }) => ({ run: run.id, controls: document.posture.controls })),
  );
  app.get(
    '/api/scores',
    {
      schema: {
        summary: 'Phase scores of the last finished runs, oldest first',
        tags: ['posture'],
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } } },
      },
    },
    async (request) => ({ items: await store.phaseScores((request.query as { limit: number }).limit) }),
  );
  app.get(
    '/api/map',
    {
      schema: {
        summary: 'The lifecycle map of the latest finished run (or ?run=ID)',
        tags: ['map'],
        querystring: { type: 'object', properties: { run: runId } },
      },
    },
    fromDocument(({ run, document }) => ({ run: run.id, map: document.map })),
  );
  app.get(
    '/api/trace',
    {
      schema: {
        summary: 'The lifecycle path through a node or name (as `shipshape trace`), on the latest finished run',
        tags: ['map'],
        querystring: { type: 'object', required: ['q'], properties: { q: { type: 'string', minLength: 1, maxLength: 500 }, run: runId } },
      },
    },
    fromDocument(({ run, document }, query) => ({ run: run.id, trace: traceLifecycle(document.map, query.q ?? '') })),
  );
  app.get(
    '/api/findings',
    {
      schema: {
        summary: 'Findings across runs with first and last seen, open by default',
        tags: ['findings'],
        querystring: {
          type: 'object',
          properties: {
            ...page,
            severity: { type: 'string', maxLength: 100, description: severities },
            phase: { type: 'string', enum: ['build', 'distribute', 'run', 'host'] },
            category: { type: 'string', maxLength: 40 },
            rule: { type: 'string', maxLength: 200 },
            state: { type: 'string', enum: ['open', 'resolved', 'all'], default: 'open' },
            q: { type: 'string', maxLength: 200, description: 'text in where or title' },
            image: digest,
          },
        },
      },
    },
    async (request) => store.listItems(filterOf(request.query as FilterQuery, 'finding'), pageOf(request.query as PageQuery)),
  );
  app.get(
    '/api/gaps',
    {
      schema: {
        summary: 'Control gaps and partials with the time they opened and were resolved',
        tags: ['findings'],
        querystring: {
          type: 'object',
          properties: {
            ...page,
            phase: { type: 'string', enum: ['build', 'distribute', 'run', 'host'] },
            state: { type: 'string', enum: ['open', 'resolved', 'all'], default: 'open' },
          },
        },
      },
    },
    async (request) => store.listItems(filterOf(request.query as FilterQuery, 'gap'), pageOf(request.query as PageQuery)),
  );
  app.get(
    '/api/images',
    {
      schema: {
        summary: 'Images of the estate, with vulnerability counts',
        tags: ['images'],
        querystring: { type: 'object', properties: { ...page, q: { type: 'string', maxLength: 200 }, running: { type: 'boolean' } } },
      },
    },
    async (request) => {
      const query = request.query as PageQuery & { q?: string; running?: boolean };
      return store.listImages({ text: query.q, running: query.running }, pageOf(query));
    },
  );
  app.get(
    '/api/inventories/:digest',
    {
      schema: {
        summary:
          'The inventory (OS and packages, with the layer that added each) stored for a platform image when it was read: what new advisories are matched against',
        tags: ['images'],
        params: { type: 'object', properties: { digest } },
      },
    },
    async (request, reply) => {
      const stored = await store.getInventory((request.params as { digest: string }).digest);
      return stored ? { format: stored.analysers, readAt: stored.readAt, inventory: stored.inventory } : notFound(reply, 'no inventory stored for this digest');
    },
  );
  app.get(
    '/api/images/:digest',
    { schema: { summary: 'One image and its open findings', tags: ['images'], params: { type: 'object', properties: { digest } } } },
    async (request, reply) => {
      const { digest: wanted } = request.params as { digest: string };
      const image = await store.getImage(wanted);
      if (!image) return notFound(reply, 'no such image');
      const findings = await store.listItems({ kind: 'finding', image: wanted, state: 'open' }, { limit: 500 });
      return { ...image, findings: findings.items, findingsTotal: findings.total };
    },
  );
}

interface FilterQuery {
  severity?: string;
  phase?: string;
  category?: string;
  rule?: string;
  state?: 'open' | 'resolved' | 'all';
  q?: string;
  image?: string;
}

function filterOf(query: FilterQuery, kind: 'finding' | 'gap'): FindingFilter {
  return {
    kind,
    severity: query.severity
      ?.split(',')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean),
    phase: query.phase,
    category: query.category,
    ruleId: query.rule,
    state: query.state,
    text: query.q,
    image: query.image,
  };
}

/** A run as the API shows it: its push subject parsed back. */
function runView(run: RunRecord): RunRecord & { push?: unknown } {
  if (run.trigger !== 'push' || run.subject === undefined) return run;
  return { ...run, push: JSON.parse(run.subject) as unknown };
}

function notFound(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(404).send({ error: message });
}
