import type { ControlStatus, Phase, ProposedChange } from '../../lifecycle/posture/model.js';
import type { SeverityLevel } from '../../core/severity.js';
import { html, type SafeHtml } from './escape.js';

/** Status as colour, symbol and word: never colour alone. */
export const statusLabels: Record<ControlStatus, { symbol: string; word: string }> = {
  met: { symbol: '✓', word: 'Met' },
  partial: { symbol: '◐', word: 'Partial' },
  gap: { symbol: '✗', word: 'Gap' },
  unknown: { symbol: '?', word: 'Unknown' },
  accepted: { symbol: '⊘', word: 'Accepted' },
};

export const phaseOrder: readonly Phase[] = ['build', 'distribute', 'run', 'host'];

export const phaseTitles: Record<Phase, string> = { build: 'Build', distribute: 'Distribute', run: 'Run', host: 'Host' };

/** Severity ranks the filters compare (`data-sev`), highest first in tables. */
export const severityRank: Record<SeverityLevel, number> = { UNKNOWN: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

export function statusBadge(status: ControlStatus): SafeHtml {
  const label = statusLabels[status];
  return html`<span class="status st-${status}"><span aria-hidden="true">${label.symbol}</span> ${label.word}</span>`;
}

export function severityBadge(level: SeverityLevel): SafeHtml {
  return html`<span class="sev sev-${level.toLowerCase()}">${level}</span>`;
}

/** `file:line` of a proposed change, or undefined when it is a command rather than a file edit. */
export function changePlace(change: ProposedChange): string | undefined {
  if (!change.file) return undefined;
  return change.line === undefined ? change.file : `${change.file}:${change.line}`;
}

/** A change with nothing to apply: no file edit and no patch (a command to run, a secret to create, a judgement to make); its summary says what to do. */
export function isManualChange(change: ProposedChange): boolean {
  return !change.patch && change.edits.length === 0;
}

/** An attribute value for people: lists joined, objects as compact JSON, bounded in length. */
export function formatValue(value: unknown): string {
  let text: string;
  if (value === undefined || value === null) text = '—';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) text = value.length ? value.join(', ') : '—';
  else if (isFlatRecord(value))
    text =
      Object.entries(value)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join(', ') || '—';
  else text = safeJson(value);
  return text.length > 600 ? `${text.slice(0, 599)}…` : text;
}

function isFlatRecord(value: unknown): value is Record<string, string | number | boolean> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // a cycle in foreign attributes: show what String gives rather than fail the report
  }
}

/** Score band for colour (the number is always printed too). */
/** The colour band of a score; `none` when not assessed (no evidence: neither good nor poor). */
export function scoreBand(score: number | null): 'good' | 'fair' | 'poor' | 'none' {
  if (score === null) return 'none';
  return score >= 80 ? 'good' : score >= 50 ? 'fair' : 'poor';
}

/** A score as people read it: `72/100`, or "not assessed" when there was no evidence to score. */
export function scoreText(score: number | null): string {
  return score === null ? 'not assessed' : `${score}/100`;
}

export { plural } from '../../core/text.js';
