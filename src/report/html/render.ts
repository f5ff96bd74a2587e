import { createHash } from 'node:crypto';
import { html, joinHtml, jsonForScript, type SafeHtml, trustedHtml } from './escape.js';
import { plural } from './format.js';
import type { ReportInput } from './input.js';
import { layoutMap } from './layout.js';
import { flowsOf, indexMap, type MapIndex } from './map-index.js';
import { captionOf, renderMapSvg } from './map-svg.js';
import { type NodeFacts, nodeFactsOf } from './node-facts.js';
import { renderNodePanels, renderStagePanels } from './panels.js';
import { reportScript } from './script.js';
import { renderControls, renderFindings, renderHeader } from './sections.js';
import { reportStyle } from './style.js';

/** The CSP source admitting exactly this inline script or stylesheet: its SHA-256, as browsers hash the element's text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Nothing may be fetched (images only as data: URLs, no forms, no base), and nothing may run or
 * style the page but the report's own script and stylesheet, admitted by their hashes: a script or
 * style attribute that found its way into the page (an escaping bug) is refused by the browser.
 */
export const reportCsp = `default-src 'none'; style-src ${cspHash(reportStyle)}; script-src ${cspHash(reportScript)}; img-src data:; base-uri 'none'; form-action 'none'`;

/**
 * The posture report as one self-contained HTML file: scores and summary, the lifecycle map (laid
 * out here with ELK, drawn as SVG, with paths and side panels driven by a small inline script),
 * per-phase control tables and filterable findings tables. Every input string is escaped; the output
 * depends on the input only (no clock, no random ids), so the same input renders the same bytes.
 */
export async function renderHtmlReport(input: ReportInput): Promise<string> {
  const index = indexMap(input.map);
  const facts = nodeFactsOf(input, index);
  const layout = await layoutMap(
    index,
    index.nodes.map((node, i) => captionOf(node.kind, facts[i])),
  );
  const data = { flows: flowsOf(index) };

  const page = joinHtml(
    [
      html`<!doctype html>`,
      html`<html lang="en">`,
      html`<head>`,
      html`<meta charset="utf-8">`,
      html`<meta http-equiv="Content-Security-Policy" content="${trustedHtml(reportCsp)}">`,
      html`<meta name="viewport" content="width=device-width, initial-scale=1">`,
      html`<meta name="referrer" content="no-referrer">`,
      html`<meta name="generator" content="Shipshape ${input.toolVersion}">`,
      html`<link rel="icon" href="data:,">`,
      html`<title>${input.title}</title>`,
      html`<style>${trustedHtml(reportStyle)}</style>`,
      html`</head>`,
      html`<body>`,
      html`<main>`,
      renderHeader(input),
      renderMapSection(input, index, facts, renderMapSvg(index, layout, facts)),
      renderControls(input.posture, index),
      renderFindings(input.findings, index),
      html`<footer>Shipshape ${input.toolVersion} · posture ${input.posture.generatedAt} · map ${input.map.generatedAt}. This file is self-contained: it loads nothing from the network.</footer>`,
      html`</main>`,
      html`<aside id="panel" role="dialog" aria-modal="false" aria-label="Details" hidden><div class="panel-bar"><button type="button" id="panel-close">Close <span aria-hidden="true">×</span></button></div><div id="panel-body"></div></aside>`,
      renderNodePanels(index, facts),
      renderStagePanels(index, facts),
      html`<script type="application/json" id="report-data">${trustedHtml(jsonForScript(data))}</script>`,
      html`<script>${trustedHtml(reportScript)}</script>`,
      html`</body>`,
      html`</html>`,
      '',
    ],
    html`\n`,
  );
  return page.toString();
}

function renderMapSection(input: ReportInput, index: MapIndex, facts: readonly NodeFacts[], svg: SafeHtml): SafeHtml {
  const gaps = facts.reduce((sum, f) => sum + f.gapCount, 0);
  const notes = [
    ...input.map.diagnostics.map((d) => `${d.level}: ${d.message}${d.where ? ` (${d.where})` : ''}`),
    ...index.dangling.map((e) => `edge ${e.kind} from ${e.from} to ${e.to} names a node the map does not have; not drawn`),
  ];
  const inputs = input.map.inputs;
  return html`<section id="map" aria-labelledby="map-h"><h2 id="map-h">Lifecycle map</h2><p>${plural(index.nodes.length, 'node')} and ${plural(index.edges.length, 'edge')} from source to host; ${plural(gaps, 'gap')} marked. Select a node to light up its path and see its facts, controls and findings; select a stage heading for the stage.</p><p class="muted small">Read from: ${[...inputs.sources, ...inputs.registries, ...inputs.workloads].join(', ') || 'nothing'}</p><div class="map-tools" role="toolbar" aria-label="Map zoom"><button type="button" id="zoom-out" aria-label="Zoom out">−</button><span id="zoom-level" aria-live="polite">100%</span><button type="button" id="zoom-in" aria-label="Zoom in">+</button><button type="button" id="zoom-fit">Fit</button><button type="button" id="zoom-reset">Actual size</button></div><div class="legend" aria-hidden="true"><span><span class="swatch gap"></span>gap count (controls at gap/partial, lifecycle breaks)</span><span><span class="swatch path"></span>selected path</span><span>dashed edge: not certain</span></div><div id="map-scroll" role="region" aria-label="Lifecycle map (scrolls)" tabindex="0">${svg}</div>${
    notes.length > 0 &&
    html`<details class="diagnostics"><summary>${plural(notes.length, 'note')} from reading the estate</summary><ul>${notes.map((n) => html`<li>${n}</li>`)}</ul></details>`
  }</section>`;
}
