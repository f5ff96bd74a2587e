/**
 * What the dashboard's own reads answer (routes.ts), typed once for the server and the page script.
 * Imports types only, so the page (browser code) can use it.
 */
import type { PathRoot } from '../../report/html/paths.js';
import type { RunRecord } from '../../store/model.js';

/** `GET /dashboard/estate`: the latest posture without its map and findings (which can be megabytes). */
export interface EstateSummary {
  title: string;
  generatedAt: string;
  toolVersion: string;
  overall: number | null;
  summary: string;
  phases: { phase: string; score: number | null; counts: Record<string, number> }[];
  /** Registries named in the estate that could not be read: what they hold is not assessed. */
  unscanned: { registry: string; reason: string }[];
  run: RunRecord;
  /** The folders the estate was read from: the page shows paths under them relative to them. */
  roots: PathRoot[];
}
