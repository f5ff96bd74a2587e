import { html, type SafeHtml } from '../../../report/html/escape.js';
import { phaseTitles, scoreText } from '../../../report/html/format.js';
import type { PhaseScore } from '../../../store/model.js';

/** The series in the order drawn and listed; `overall` when the server records it, then the phases. */
const seriesOrder = ['overall', 'build', 'distribute', 'run', 'host'];
const titleOf = (phase: string): string => (phase === 'overall' ? 'Overall' : ((phaseTitles as Record<string, string>)[phase] ?? phase));

const width = 720;
const height = 250;
const plot = { left: 34, right: 120, top: 12, bottom: 30 };
const plotWidth = width - plot.left - plot.right;
const plotHeight = height - plot.top - plot.bottom;

/** Each series has its own marker shape (and dash, in the stylesheet): the lines are told apart without colour. */
function marker(index: number, x: number, y: number, label: string): SafeHtml {
  const title = label ? html`<title>${label}</title>` : '';
  switch (index % 4) {
    case 1:
      return html`<rect class="point" x="${x - 4}" y="${y - 4}" width="8" height="8">${title}</rect>`;
    case 2:
      return html`<path class="point" d="M${x} ${y - 5}L${x + 5} ${y + 4}L${x - 5} ${y + 4}Z">${title}</path>`;
    case 3:
      return html`<path class="point" d="M${x} ${y - 5}L${x + 5} ${y}L${x} ${y + 5}L${x - 5} ${y}Z">${title}</path>`;
    default:
      return html`<circle class="point" cx="${x}" cy="${y}" r="4.5">${title}</circle>`;
  }
}

interface Series {
  phase: string;
  /** One score per run, in run order; null where the phase was not assessed. */
  scores: (number | null)[];
}

function seriesOf(items: readonly PhaseScore[]): { runs: { id: string; at: string }[]; series: Series[] } {
  const runs: { id: string; at: string }[] = [];
  const index = new Map<string, number>();
  for (const item of items) {
    if (index.has(item.runId)) continue;
    index.set(item.runId, runs.length);
    runs.push({ id: item.runId, at: item.finishedAt });
  }
  const phases = [...new Set(items.map((i) => i.phase))].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  const series = phases.map((phase) => {
    const scores: (number | null)[] = runs.map(() => null);
    for (const item of items) if (item.phase === phase) scores[index.get(item.runId) ?? 0] = item.score;
    return { phase, scores };
  });
  return { runs, series };
}

const rank = (phase: string): number => (seriesOrder.includes(phase) ? seriesOrder.indexOf(phase) : seriesOrder.length);
const day = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

/**
 * The scores of the last runs as an SVG line chart: one line per phase (a series with no score in
 * any run is listed as not assessed, not drawn), one marker per run, each with its score in a
 * tooltip, the latest score written at the end of each line. Numbers only come from the API.
 */
export function scoreChart(items: readonly PhaseScore[]): SafeHtml {
  const { runs, series } = seriesOf(items);
  const x = (i: number): number => Math.round(runs.length === 1 ? plot.left + plotWidth / 2 : plot.left + (i * plotWidth) / (runs.length - 1));
  const y = (score: number): number => Math.round(plot.top + ((100 - Math.max(0, Math.min(100, score))) / 100) * plotHeight);
  const grid = [0, 25, 50, 75, 100].map(
    (s) =>
      html`<line class="grid" x1="${plot.left}" x2="${plot.left + plotWidth}" y1="${y(s)}" y2="${y(s)}"/><text class="axis" x="${plot.left - 6}" y="${y(s) + 4}" text-anchor="end">${s}</text>`,
  );
  const first = runs[0];
  const last = runs[runs.length - 1];
  const axis =
    first && last
      ? html`<text class="axis" x="${x(0)}" y="${height - 8}" text-anchor="${runs.length === 1 ? 'middle' : 'start'}">${day(first.at)}</text>${runs.length > 1 ? html`<text class="axis" x="${x(runs.length - 1)}" y="${height - 8}" text-anchor="end">${day(last.at)}</text>` : ''}`
      : '';
  const ends = endLabels(series, y);
  const lines = series.map((s, n) => {
    const drawn = s.scores.some((score) => score !== null);
    if (!drawn) return '';
    let d = '';
    s.scores.forEach((score, i) => {
      if (score === null) return;
      d += `${i > 0 && s.scores[i - 1] !== null ? 'L' : 'M'}${x(i)} ${y(score)}`;
    });
    const points = s.scores.map((score, i) =>
      score === null ? '' : marker(n, x(i), y(score), `${titleOf(s.phase)}: ${score}/100 — run ${runs[i]?.id ?? ''}, ${runs[i]?.at ?? ''}`),
    );
    const end = ends.get(s.phase);
    return html`<g class="series s-${s.phase}" data-phase="${s.phase}"><path class="line" d="${d}"/>${points}${end ? html`<text class="end-label" x="${plot.left + plotWidth + 10}" y="${end.y + 4}">${titleOf(s.phase)} ${end.score}</text>` : ''}</g>`;
  });
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">Scores over the last ${runs.length} finished runs</title><desc id="chart-desc">One line per phase, 0 to 100, oldest run on the left; the same numbers are in the table below.</desc>${grid}${axis}${lines}</svg>`;
}

/** The latest score of each drawn series at its line's end, moved apart so close scores stay readable. */
function endLabels(series: readonly Series[], y: (score: number) => number): Map<string, { y: number; score: number }> {
  const labels = series.flatMap((s) => {
    const score = [...s.scores].reverse().find((v): v is number => v !== null);
    return score === undefined ? [] : [{ phase: s.phase, score, y: y(score) }];
  });
  labels.sort((a, b) => a.y - b.y);
  for (let i = 1; i < labels.length; i++) {
    const [above, label] = [labels[i - 1], labels[i]];
    if (above && label && label.y - above.y < 13) label.y = above.y + 13;
  }
  const overflow = (labels[labels.length - 1]?.y ?? 0) - (height - plot.bottom);
  if (overflow > 0) for (const label of labels) label.y -= overflow;
  return new Map(labels.map((l) => [l.phase, { y: l.y, score: l.score }]));
}

/** The legend: each series' marker and dash, its name and latest score in words. */
export function chartLegend(items: readonly PhaseScore[]): SafeHtml {
  const { series } = seriesOf(items);
  const entries = series.map((s, n) => {
    const latest = s.scores[s.scores.length - 1] ?? null;
    return html`<li class="s-${s.phase}"><svg width="34" height="12" aria-hidden="true"><path class="line" d="M2 6H32"/>${marker(n, 17, 6, '')}</svg>${titleOf(s.phase)}: ${scoreText(latest)}</li>`;
  });
  return html`<ul class="chart-legend" aria-label="Lines">${entries}</ul>`;
}

/** The chart's numbers as a table, for reading them exactly and for screen readers. */
export function chartTable(items: readonly PhaseScore[]): SafeHtml {
  const { runs, series } = seriesOf(items);
  const rows = runs.map(
    (run, i) =>
      html`<tr><th scope="row"><time datetime="${run.at}">${day(run.at)}</time></th>${series.map((s) => html`<td>${scoreText(s.scores[i] ?? null)}</td>`)}</tr>`,
  );
  return html`<details><summary>The scores as a table</summary><div class="table-wrap"><table class="tbl"><caption class="sr-only">Scores by run</caption><thead><tr><th scope="col">Run finished (UTC)</th>${series.map((s) => html`<th scope="col">${titleOf(s.phase)}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div></details>`;
}
