import type { SeverityLevel } from '../../../core/severity.js';
import { html, joinHtml, type SafeHtml } from '../../../report/html/escape.js';
import { severityBadge } from '../../../report/html/format.js';
import type { RunPart, RunRecord } from '../../../store/model.js';

/** Most severe first, as the lists and counts show them. */
export const severities: readonly SeverityLevel[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

/** A severity from the API as a badge (the word, not colour alone); anything unexpected shows as UNKNOWN. */
export function severityOf(text: string): SafeHtml {
  const level = severities.find((s) => s === text.toUpperCase()) ?? 'UNKNOWN';
  return severityBadge(level);
}

/** Counts by severity, most severe first, each with its word; `none found` when all are 0. */
export function severityCounts(counts: Record<string, number>): SafeHtml {
  const found = severities.filter((s) => (counts[s] ?? 0) > 0);
  if (found.length === 0) return html`<span>none found</span>`;
  return html`<span class="vulns">${joinHtml(
    found.map((s) => html`<span>${severityOf(s)} ${counts[s] ?? 0}</span>`),
    html` `,
  )}</span>`;
}

/** How long ago, in words: `just now`, `5 minutes ago`, `3 days ago`. */
function ago(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return iso;
  if (seconds < 45) return 'just now';
  const units: [number, string][] = [
    [60, 'minute'],
    [3600, 'hour'],
    [86400, 'day'],
  ];
  let [size, unit] = units[0] ?? [60, 'minute'];
  for (const candidate of units) if (seconds >= candidate[0]) [size, unit] = candidate;
  const count = Math.max(1, Math.round(seconds / size));
  return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
}

/** A time as its age, with the exact time in its title and `datetime`. */
export function when(iso: string | undefined): SafeHtml {
  if (iso === undefined) return html`<span class="muted">—</span>`;
  return html`<time datetime="${iso}" title="${iso}">${ago(iso)}</time>`;
}

export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

const statusWords: Record<RunRecord['status'], string> = { done: '✓ done', failed: '✗ failed', running: '◐ running', queued: '… queued' };
const triggerWords: Record<RunRecord['trigger'], string> = {
  schedule: 'on the schedule',
  manual: 'started by hand',
  push: 'a registry push',
  advisories: 'an advisory update',
  start: 'the server starting',
  host: "a host's report",
};

export function runStatus(run: RunRecord): SafeHtml {
  return html`<span class="run-${run.status}">${statusWords[run.status] ?? run.status}</span>`;
}

export function runTrigger(run: RunRecord): string {
  return triggerWords[run.trigger] ?? run.trigger;
}

/** `registry:hub` → `registry hub`; `image:x` → `image x`; the rest as they are. */
function partName(name: string): string {
  const [kind, ...rest] = name.split(':');
  return rest.length > 0 ? `${kind} ${rest.join(':')}` : name;
}

/** A run's part in words: read, failed (why), or stale (since when its facts are, and why). */
export function partLine(part: RunPart): SafeHtml {
  const name = partName(part.name);
  if (part.status === 'failed') return html`<li class="part-failed">${name}: failed${part.reason ? ` — ${part.reason}` : ''}</li>`;
  if (part.status === 'stale')
    return html`<li class="part-stale">${name}: stale — shows facts read ${part.readAt ? ago(part.readAt) : 'earlier'}${part.reason ? `, because ${part.reason}` : ''}</li>`;
  return html`<li class="part-ok">${name}: read in ${duration(part.durationMs)}</li>`;
}
