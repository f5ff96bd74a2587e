import type { ControlResult, PostureReport } from '../../lifecycle/posture/model.js';
import { changeItem } from './changes.js';
import { html, type SafeHtml } from './escape.js';
import { phaseOrder, phaseTitles, plural, scoreBand, scoreText, severityBadge, severityRank, statusBadge, statusLabels } from './format.js';
import type { ReportFinding, ReportFindingCategory, ReportInput } from './input.js';
import type { MapIndex } from './map-index.js';
import { bySeverity } from './node-facts.js';

/** Title, scores (overall and per phase, with the status counts) and the manager summary. */
export function renderHeader(input: ReportInput): SafeHtml {
  const { posture } = input;
  const phases = phaseOrder.map((phase) => {
    const score = posture.phases.find((p) => p.phase === phase);
    if (!score)
      return html`<li class="phase-score"><a href="#phase-${phase}"><span class="phase-name">${phaseTitles[phase]}</span><span class="score-num">—</span></a><span class="muted">not assessed</span></li>`;
    const counts = (Object.keys(statusLabels) as (keyof typeof statusLabels)[])
      .filter((s) => score.counts[s] > 0)
      .map((s) => `${score.counts[s]} ${statusLabels[s].word.toLowerCase()}`)
      .join(' · ');
    return html`<li class="phase-score band-${scoreBand(score.score)}"><a href="#phase-${phase}"><span class="phase-name">${phaseTitles[phase]}</span>${scoreNumber(score.score, '')}</a>${meter(score.score, `${phaseTitles[phase]} score`)}<span class="muted counts">${counts || 'no controls'}</span></li>`;
  });
  return html`<header class="top"><h1>${input.title}</h1><p class="muted">Generated ${input.generatedAt} by Shipshape ${input.toolVersion}${input.map.inputs.config ? html` · config <code>${input.map.inputs.config}</code>` : ' · no config file read'}${posture.policy ? html` · policy <code>${posture.policy}</code>` : ''}</p><nav aria-label="Sections"><a href="#map">Lifecycle map</a><a href="#controls">Controls</a><a href="#findings">Findings</a></nav></header><section class="scores" aria-labelledby="scores-h"><h2 id="scores-h" class="sr-only">Scores</h2><div class="overall band-${scoreBand(posture.overall)}"><span class="overall-label">Overall posture</span>${scoreNumber(posture.overall, ' big')}${meter(posture.overall, 'Overall score')}</div><ul class="phase-scores plain">${phases}</ul><div class="summary"><h3>Summary</h3><p>${posture.summary}</p>${unscannedNote(input)}</div></section>`;
}

/** Registries named in the estate that could not be scanned: what they hold is not assessed, and the report says so. */
function unscannedNote(input: ReportInput): SafeHtml {
  const unscanned = input.map.inputs.unscannedRegistries;
  if (unscanned.length === 0) return html``;
  const items = unscanned.map((r) => html`<li><code>${r.registry}</code>: ${r.reason}</li>`);
  return html`<div class="not-assessed" role="note"><strong>Not assessed — registries that could not be scanned:</strong><ul>${items}</ul></div>`;
}

/** The score in big digits, or "not assessed" in words: no evidence is neither a failing 0 nor a passing 100. */
function scoreNumber(score: number | null, size: string): SafeHtml {
  if (score === null) return html`<span class="score-num${size} not-assessed">not assessed</span>`;
  return html`<span class="score-num${size}">${score}<span class="of">/100</span></span>`;
}

function meter(score: number | null, label: string): SafeHtml {
  if (score === null) return html``;
  const clamped = Math.max(0, Math.min(100, score));
  // the bar's length is an SVG attribute, not a style attribute: the report's CSP admits no inline style but its stylesheet
  return html`<svg class="meter" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${clamped}" aria-label="${label}" viewBox="0 0 100 1" preserveAspectRatio="none"><rect width="${clamped}" height="1"/></svg>`;
}

/** A "show on map" button for the first map node among `nodes`, if any is on the map. */
function mapButton(index: MapIndex, nodes: readonly string[]): SafeHtml {
  for (const id of nodes) {
    const i = index.indexOf.get(id);
    if (i !== undefined) return html` <button type="button" class="link to-node" data-node="${i}" data-scroll="1">Show on map</button>`;
  }
  return html``;
}

function controlRow(result: ControlResult, index: MapIndex): SafeHtml {
  const { control } = result;
  const refs = control.references.map((r) => `${r.framework} ${r.id}`).join('; ');
  const evidence = result.evidence.map(
    (e) =>
      html`<li class="${e.ok ? 'ok' : 'bad'}"><span aria-hidden="true">${e.ok ? '✓' : '✗'}</span><span class="sr-only">${e.ok ? 'met:' : 'gap:'}</span> ${e.text}${e.where ? html` <code>${e.where}</code>` : ''}${mapButton(index, e.nodes)}</li>`,
  );
  const changes = result.changes.map(changeItem);
  const acceptance = result.acceptance
    ? html`<p class="accepted-note">Accepted: ${result.acceptance.reason}${result.acceptance.expires ? ` (until ${result.acceptance.expires})` : ''}</p>`
    : '';
  const weight =
    control.weight === 0
      ? html` <span class="muted">(not required by the policy)</span>`
      : control.weight > 1
        ? html` <span class="muted">(critical)</span>`
        : '';
  return html`<tr class="row-${result.status}"><td data-label="Control"><strong>${control.id}</strong><br>${control.title}${weight}${refs ? html`<br><span class="muted small">${refs}</span>` : ''}</td><td data-label="Status">${statusBadge(result.status)}</td><td data-label="Summary">${result.summary}${acceptance}<details><summary>How it is assessed</summary><p>${control.objective}</p><p>${control.evaluation}</p></details></td><td data-label="Evidence">${evidence.length ? html`<ul class="plain evidence">${evidence}</ul>` : html`<span class="muted">—</span>`}</td><td data-label="Proposed changes">${changes.length ? html`<ul class="plain changes">${changes}</ul>` : html`<span class="muted">—</span>`}</td></tr>`;
}

/** One table of controls per phase, in control-id order. */
export function renderControls(posture: PostureReport, index: MapIndex): SafeHtml {
  const sections = phaseOrder.map((phase) => {
    const rows = posture.controls
      .filter((c) => c.control.phase === phase)
      .sort((a, b) => (a.control.id < b.control.id ? -1 : a.control.id > b.control.id ? 1 : 0));
    const score = posture.phases.find((p) => p.phase === phase);
    const heading = html`<h3 id="phase-${phase}">${phaseTitles[phase]}${score ? html` <span class="muted">${scoreText(score.score)}</span>` : ''}</h3>`;
    if (!rows.length) return html`<section class="phase">${heading}<p class="muted">No controls for this phase.</p></section>`;
    return html`<section class="phase">${heading}<div class="table-wrap"><table class="tbl controls"><caption class="sr-only">${phaseTitles[phase]} controls</caption><colgroup><col class="c-control"><col class="c-status"><col class="c-summary"><col class="c-evidence"><col class="c-changes"></colgroup><thead><tr><th scope="col">Control</th><th scope="col">Status</th><th scope="col">Summary</th><th scope="col">Evidence</th><th scope="col">Proposed changes</th></tr></thead><tbody>${rows.map((r) => controlRow(r, index))}</tbody></table></div></section>`;
  });
  return html`<section id="controls" aria-labelledby="controls-h"><h2 id="controls-h">Controls</h2>${sections}</section>`;
}

const categoryTitles: Record<ReportFindingCategory, string> = {
  vulnerability: 'Vulnerabilities',
  secret: 'Secrets',
  misconfiguration: 'Misconfigurations',
  lifecycle: 'Lifecycle breaks',
};

const categoryOrder: readonly ReportFindingCategory[] = ['vulnerability', 'secret', 'misconfiguration', 'lifecycle'];

/** Findings tables by category, with one filter bar (text, minimum severity, phase) and live counts. */
export function renderFindings(findings: readonly ReportFinding[], index: MapIndex): SafeHtml {
  const filters = html`<form class="filters" role="search" aria-label="Filter findings"><label>Search <input type="search" id="f-text" autocomplete="off" placeholder="id, package, place…"></label><label>Severity <select id="f-severity"><option value="0">any</option><option value="4">critical</option><option value="3">high and above</option><option value="2">medium and above</option><option value="1">low and above</option></select></label><label>Phase <select id="f-phase"><option value="">any</option>${phaseOrder.map((p) => html`<option value="${p}">${phaseTitles[p]}</option>`)}</select></label></form><p id="f-count" class="count" aria-live="polite">Showing ${findings.length} of ${plural(findings.length, 'finding')}</p>`;
  const tables = categoryOrder.map((category) => {
    const rows = findings.filter((f) => f.category === category).sort(bySeverity);
    const body = rows.map(
      (f) =>
        html`<tr data-sev="${severityRank[f.severity] ?? 0}" data-phase="${f.phase}"><td data-label="Severity">${severityBadge(f.severity)}</td><td data-label="Id"><code>${f.id}</code></td><td data-label="Title">${f.title}${f.detail ? html`<br><span class="detail">${f.detail}</span>` : ''}</td><td data-label="Where"><code>${f.where}</code>${mapButton(index, f.nodes)}</td><td data-label="Phase">${phaseTitles[f.phase] ?? f.phase}</td></tr>`,
    );
    const empty = html`<tr class="empty"${rows.length ? ' hidden' : ''}><td colspan="5">${rows.length ? 'No finding matches the filters.' : 'None found.'}</td></tr>`;
    return html`<section class="finding-group" data-category="${category}" aria-labelledby="fh-${category}"><h3 id="fh-${category}">${categoryTitles[category]} <span class="count muted" data-total="${rows.length}">(${rows.length})</span></h3><div class="table-wrap"><table class="tbl findings"><caption class="sr-only">${categoryTitles[category]}</caption><colgroup><col class="c-sev"><col class="c-id"><col class="c-title"><col class="c-where"><col class="c-phase"></colgroup><thead><tr><th scope="col">Severity</th><th scope="col">Id</th><th scope="col">Title</th><th scope="col">Where</th><th scope="col">Phase</th></tr></thead><tbody>${body}${empty}</tbody></table></div></section>`;
  });
  return html`<section id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>${filters}${tables}</section>`;
}
