import type { FastifyInstance, FastifyReply } from 'fastify';
import { LimitExceededError, UsageError } from '../core/errors.js';
import type { HostReport } from '../host/scan.js';
import { parseHostReport } from '../lifecycle/host-report.js';
import { hostNamePattern } from '../store/host-reports.js';
import type { PageRequest } from '../store/model.js';
import { defaultMaxDocumentBytes } from '../store/values.js';
import type { ServerOptions } from './app.js';
import { page } from './routes-api.js';
import { Slots } from './slots.js';

/** Largest host report taken: the largest document the store keeps. */
const maxReportBytes = defaultMaxDocumentBytes;
/**
 * Reports received and stored at once: each holds its text and its parsed value (a few times its
 * size) until it is stored, so a DaemonSet's nodes reporting together wait in turn — their bodies
 * unread meanwhile — rather than fill the server's memory.
 */
const reportsAtOnce = 2;

const hostName = { type: 'string', pattern: hostNamePattern.source, description: '1 to 253 letters, digits, dots, underscores and hyphens' } as const;
const nameParams = { type: 'object', properties: { name: hostName } } as const;

/**
 * The hosts' reports that `shipshape host scan --report-to` sends (a DaemonSet on every node): kept
 * by host, the newest of each, and assessed by every run from then on; a report received queues a
 * run that assesses it with the registries as last read (their images are not read again).
 */
export function registerHostRoutes(app: FastifyInstance, options: ServerOptions): void {
  const { store, queue } = options;
  const slots = new Slots(reportsAtOnce);

  void app.register(async (scope) => {
    // here only, JSON alone, kept as text: parseHostReport says in its own words what is not JSON or not a report
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: maxReportBytes }, (_request, body, done) => done(null, body));
    scope.post(
      '/api/hosts',
      {
        config: { scope: 'write' },
        bodyLimit: maxReportBytes,
        schema: {
          summary:
            "Keep a host's report (`shipshape host scan -f json`, as `host scan --report-to` sends it) as the host's newest, and queue a run that assesses it (registries as last read)",
          tags: ['hosts'],
          querystring: {
            type: 'object',
            properties: { name: { ...hostName, description: `the host's name (a Kubernetes node's); default: the report's host.hostname` } },
          },
        },
        // waits for a slot before the body is read
        preParsing: async (_request, reply, payload) => {
          const release = await slots.take();
          reply.raw.once('close', release);
          return payload;
        },
      },
      async (request, reply) => {
        let report: HostReport;
        try {
          report = parseHostReport(request.body as string, 'the request body');
        } catch (error) {
          if (error instanceof UsageError) return badRequest(reply, error.message);
          throw error;
        }
        const name = (request.query as { name?: string }).name ?? report.host.hostname;
        if (name === undefined) return badRequest(reply, 'the report names no host (host.hostname) and no ?name= was given');
        if (!hostNamePattern.test(name))
          return badRequest(
            reply,
            `the report's host name ${JSON.stringify(name)} cannot name a host here: give ?name= (1 to 253 letters, digits, dots, underscores and hyphens)`,
          );
        try {
          const summary = await store.putHostReport(name, report, options.now().toISOString());
          const run = await queue.enqueue('host');
          return await reply.code(202).send({ host: name, containers: summary.containers, findings: summary.findings, unknown: summary.unknown, run: run.id });
        } catch (error) {
          if (error instanceof LimitExceededError) return reply.code(413).send({ error: error.message });
          throw error;
        }
      },
    );
  });

  app.get(
    '/api/hosts',
    {
      schema: {
        summary: 'The hosts whose reports are kept, by name: when received, OS, kernel, engines, containers, findings by severity, what was not read',
        tags: ['hosts'],
        querystring: { type: 'object', properties: page },
      },
    },
    async (request) => store.listHostReports(request.query as PageRequest),
  );
  app.get(
    '/api/hosts/:name',
    {
      schema: {
        summary: "A host's newest report, as received (a `shipshape/host-scan@1` document; Last-Modified: when it was received)",
        tags: ['hosts'],
        params: nameParams,
      },
    },
    async (request, reply) => {
      const stored = await store.hostReport((request.params as { name: string }).name);
      if (stored === undefined) return noReport(reply);
      return reply.header('last-modified', new Date(stored.receivedAt).toUTCString()).send(stored.report);
    },
  );
  app.delete(
    '/api/hosts/:name',
    {
      config: { scope: 'write' },
      schema: {
        summary: "Forget a host's report (a node that is gone): the next run no longer assesses it",
        tags: ['hosts'],
        params: nameParams,
      },
    },
    async (request, reply) => {
      const deleted = await store.deleteHostReport((request.params as { name: string }).name);
      return deleted ? reply.code(204).send() : noReport(reply);
    },
  );
}

function noReport(reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ error: 'no report of this host' });
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: message });
}
