import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ReportInput } from '../../report/html/input.js';
import { pathRootsOf, withRelativePaths } from '../../report/html/paths.js';
import type { RunRecord } from '../../store/model.js';
import type { EstateSummary } from './api-types.js';

/** `GET /api/posture`: the posture document of a finished run, with that run. */
export type PostureDocument = ReportInput & { run: RunRecord };

/**
 * The posture document through the API itself (`/api/posture`, with the caller's own token or
 * session), so the dashboard's server side sees exactly what its caller may see and nothing more.
 */
export async function postureFor(
  app: FastifyInstance,
  request: FastifyRequest,
  run: string | undefined,
): Promise<{ ok: true; document: PostureDocument } | { ok: false; status: number; body: string }> {
  const headers: Record<string, string> = {};
  if (request.headers.authorization !== undefined) headers.authorization = request.headers.authorization;
  if (request.headers.cookie !== undefined) headers.cookie = request.headers.cookie;
  const response = await app.inject({ method: 'GET', url: run === undefined ? '/api/posture' : `/api/posture?run=${encodeURIComponent(run)}`, headers });
  if (response.statusCode !== 200) return { ok: false, status: response.statusCode, body: response.body };
  return { ok: true, document: response.json<PostureDocument>() };
}

/** The document with every path shown relative to the estate's folders (the map's `inputs`). */
export function shownDocument(document: PostureDocument): PostureDocument {
  return withRelativePaths(document, pathRootsOf(document.map.inputs));
}

export function estateSummaryOf(document: PostureDocument): EstateSummary {
  const roots = pathRootsOf(document.map.inputs);
  const { posture } = withRelativePaths({ posture: document.posture }, roots);
  return {
    title: document.title,
    generatedAt: document.generatedAt,
    toolVersion: document.toolVersion,
    overall: posture.overall,
    summary: posture.summary,
    phases: posture.phases.map((p) => ({ phase: p.phase, score: p.score, counts: p.counts })),
    unscanned: withRelativePaths(document.map.inputs.unscannedRegistries, roots).map((u) => ({ registry: u.registry, reason: u.reason })),
    run: document.run,
    roots,
  };
}
