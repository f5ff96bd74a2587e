import { html, type SafeHtml } from '../../../report/html/escape.js';
import { phaseTitles, plural, scoreBand, scoreText } from '../../../report/html/format.js';
import type { ObservedItem, Page, PhaseScore, RunDiff, RunRecord } from '../../../store/model.js';
import type { EstateSummary } from '../api-types.js';
import { getJson } from './api.js';
import { chartLegend, chartTable, scoreChart } from './chart.js';
import { show } from './dom.js';
import { estateSummary, pathShower } from './estate.js';
import { duration, partLine, runStatus, runTrigger, severities, severityOf, when } from './words.js';

/** How many opened or resolved items the overview lists before pointing at the lists. */
const listed = 12;

/** `/`: the scores now and over time, the latest run and its parts, what changed since the run before. */
export async function overviewView(container: HTMLElement): Promise<void> {
  const [runs, scores, estate, shown] = await Promise.all([
    getJson<Page<RunRecord>>('/api/runs?limit=50'),
    getJson<{ items: PhaseScore[] }>('/api/scores?limit=50'),
    estateSummary(),
    pathShower(),
  ]);
  const done = runs.items.filter((run) => run.status === 'done');
  const [latestDone, previousDone] = done;
  const diff =
    latestDone && previousDone
      ? await getJson<RunDiff>(`/api/runs/${encodeURIComponent(previousDone.id)}/diff/${encodeURIComponent(latestDone.id)}`)
      : undefined;
  const latest = runs.items[0];
  show(
    container,
    html`<h1 tabindex="-1">${estate?.title ?? 'Overview'}</h1>${
      estate
        ? html`${scoreCards(estate, diff)}<p>${shown(estate.summary)}</p>${unscanned(estate, shown)}`
        : html`<p class="notice">No run has finished yet: the posture appears here when the first one does.</p>`
    }<section aria-labelledby="trend-h"><h2 id="trend-h">Scores over time</h2>${
      scores.items.length > 0
        ? html`${scoreChart(scores.items)}${chartLegend(scores.items)}${chartTable(scores.items)}`
        : html`<p class="muted">No finished run yet.</p>`
    }</section><div class="two"><section aria-labelledby="run-h"><h2 id="run-h">Latest run</h2>${
      latest ? runDetails(latest, latestDone) : html`<p class="muted">No run yet.</p>`
    }</section><section aria-labelledby="diff-h"><h2 id="diff-h">Since the previous run</h2>${
      diff ? changes(diff, shown) : html`<p class="muted">A second finished run is needed to compare.</p>`
    }</section></div>`,
  );
}

function scoreCards(estate: EstateSummary, diff: RunDiff | undefined): SafeHtml {
  // the store records phase scores; an `overall` one is shown when it does too
  const overall = diff?.scores.find((s) => s.phase === 'overall');
  const phases = estate.phases.map((p) => {
    const change = diff?.scores.find((s) => s.phase === p.phase);
    return html`<li class="card phase-score band-${scoreBand(p.score)}"><h3>${(phaseTitles as Record<string, string>)[p.phase] ?? p.phase}</h3><span class="score-num">${scoreText(p.score)}</span>${change ? html`<span class="change">${changeWords(change.from, change.to)}</span>` : ''}</li>`;
  });
  return html`<ul class="cards" aria-label="Scores of the latest finished run"><li class="card overall band-${scoreBand(estate.overall)}"><h3>Overall posture</h3><span class="score-num big">${scoreText(estate.overall)}</span><span class="change">${overall ? html`${changeWords(overall.from, overall.to)}, ` : ''}run ${when(estate.run.finishedAt)}</span></li>${phases}</ul>`;
}

/** A score's move between two runs, in words (an arrow alone would be colour and shape only). */
function changeWords(from: number | null, to: number | null): string {
  if (from === null || to === null) return from === to ? 'not assessed in either run' : `was ${scoreText(from)}`;
  if (from === to) return 'no change since the previous run';
  return `${to > from ? '▲ up' : '▼ down'} ${Math.abs(to - from)} since the previous run`;
}

function unscanned(estate: EstateSummary, shown: (text: string) => string): SafeHtml {
  if (estate.unscanned.length === 0) return html``;
  return html`<div class="not-assessed" role="note"><strong>Not assessed — registries that could not be read:</strong><ul>${estate.unscanned.map((u) => html`<li><code>${u.registry}</code>: ${shown(u.reason)}</li>`)}</ul></div>`;
}

function runDetails(run: RunRecord, latestDone: RunRecord | undefined): SafeHtml {
  const flagged = run.parts.filter((p) => p.status !== 'ok').length;
  const note =
    run.status !== 'done' && latestDone ? html`<p class="muted">The posture shown is from the run that finished ${when(latestDone.finishedAt)}.</p>` : '';
  return html`<dl class="run"><dt>Status</dt><dd>${runStatus(run)}${run.error ? html` — ${run.error}` : ''}</dd><dt>Started by</dt><dd>${runTrigger(run)}</dd><dt>Queued</dt><dd>${when(run.queuedAt)}</dd><dt>Finished</dt><dd>${run.finishedAt ? when(run.finishedAt) : 'not yet'}</dd><dt>Took</dt><dd>${duration(run.stats['durationMs'])}</dd><dt>Parts</dt><dd>${flagged > 0 ? html`<strong>${plural(flagged, 'part')} failed or stale</strong>` : run.parts.length > 0 ? 'all read' : 'none yet'}<ul class="plain">${run.parts.map(partLine)}</ul></dd></dl>${note}`;
}

const bySeverity = (a: ObservedItem, b: ObservedItem): number =>
  (a.kind === b.kind ? 0 : a.kind === 'gap' ? -1 : 1) ||
  severities.indexOf(a.severity as (typeof severities)[number]) - severities.indexOf(b.severity as (typeof severities)[number]);

function changes(diff: RunDiff, shown: (text: string) => string): SafeHtml {
  const count = (items: readonly ObservedItem[], kind: 'gap' | 'finding'): number => items.filter((i) => i.kind === kind).length;
  const list = (items: readonly ObservedItem[], verb: string): SafeHtml => {
    if (items.length === 0) return html`<p class="muted">Nothing ${verb}.</p>`;
    const sorted = [...items].sort(bySeverity);
    const more = sorted.length - listed;
    return html`<ul class="plain diff-list">${sorted
      .slice(0, listed)
      .map(
        (item) =>
          html`<li><span class="kind">${item.kind}</span> ${severityOf(item.severity)} <strong>${item.ruleId}</strong> ${shown(item.title)}<br><span class="where">${shown(item.where)}</span></li>`,
      )}</ul>${more > 0 ? html`<p class="muted">and ${more} more: see <a href="/gaps">gaps</a> and <a href="/findings">findings</a>.</p>` : ''}`;
  };
  return html`<p>Gaps: <strong>${count(diff.opened, 'gap')} opened</strong>, <strong>${count(diff.resolved, 'gap')} resolved</strong>. Findings: ${count(diff.opened, 'finding')} opened, ${count(diff.resolved, 'finding')} resolved.</p><h3>Opened</h3>${list(diff.opened, 'opened')}<h3>Resolved</h3>${list(diff.resolved, 'resolved')}`;
}
