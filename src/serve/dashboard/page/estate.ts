import { relativeText } from '../../../report/html/paths.js';
import type { EstateSummary } from '../api-types.js';
import { ApiError, getJson } from './api.js';

let summary: Promise<EstateSummary | undefined> | undefined;

/** The latest posture's summary (undefined before the first finished run); read once per page load. */
export function estateSummary(): Promise<EstateSummary | undefined> {
  summary ??= getJson<EstateSummary>('/dashboard/estate').catch((error: unknown) => {
    summary = undefined;
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  });
  return summary;
}

/** Text from the API with the estate's absolute folders written relative to them, as the map shows paths. */
export async function pathShower(): Promise<(text: string) => string> {
  const roots = (await estateSummary())?.roots ?? [];
  return (text) => relativeText(text, roots);
}
