import { html, jsonForScript, type SafeHtml, trustedHtml } from './escape.js';
import { plural } from './format.js';
import type { ReportInput } from './input.js';
import { layoutMap } from './layout.js';
import { flowsOf, type MapIndex } from './map-index.js';
import { captionOf, renderMapSvg } from './map-svg.js';
import { maxMarked, type NodeFacts, nodeFactsOf } from './node-facts.js';
import { type PhaseLink, renderNodePanels, renderStagePanels } from './panels.js';

/** The side panel the page script fills from the panel templates. */
export const panelAside = html`<aside id="panel" role="dialog" aria-modal="false" aria-label="Details" hidden><div class="panel-bar"><button type="button" id="panel-close">Close <span aria-hidden="true">×</span></button></div><div id="panel-body"></div></aside>`;

/**
 * The lifecycle map as the report and the server's dashboard both show it: the section (zoom
 * tools, legend, the SVG laid out with ELK), one panel template per node and stage, and the data
 * block with the flows the page script walks (numbers only).
 */
export async function renderMapParts(
  input: ReportInput,
  index: MapIndex,
  phaseLink?: PhaseLink,
): Promise<{ section: SafeHtml; panels: SafeHtml; data: SafeHtml }> {
  const facts = nodeFactsOf(input, index);
  const layout = await layoutMap(
    index,
    index.nodes.map((node, i) => captionOf(node, facts[i])),
  );
  return {
    section: renderMapSection(input, index, facts, renderMapSvg(index, layout, facts)),
    panels: html`${renderNodePanels(index, facts)}\n${renderStagePanels(index, facts, phaseLink)}`,
    data: html`<script type="application/json" id="report-data">${trustedHtml(jsonForScript({ flows: flowsOf(index) }))}</script>`,
  };
}

function renderMapSection(input: ReportInput, index: MapIndex, facts: readonly NodeFacts[], svg: SafeHtml): SafeHtml {
  const gaps = facts.reduce((sum, f) => sum + f.gapCount, 0);
  const marked = facts.filter((f) => f.marked).length;
  const notes = [
    ...input.map.diagnostics.map((d) => `${d.level}: ${d.message}${d.where ? ` (${d.where})` : ''}`),
    ...index.dangling.map((e) => `edge ${e.kind} from ${e.from} to ${e.to} names a node the map does not have; not drawn`),
  ];
  const inputs = input.map.inputs;
  return html`<section id="map" aria-labelledby="map-h"><h2 id="map-h">Lifecycle map</h2><p>${plural(index.nodes.length, 'node')} and ${plural(index.edges.length, 'edge')} from source to host; ${plural(gaps, 'gap')}, the worst ${plural(marked, 'node')} marked. Select a node to light up its path and see its facts, controls and findings; select a stage heading for the stage.</p><p class="muted small">Read from: ${[...inputs.sources, ...inputs.registries, ...inputs.workloads].join(', ') || 'nothing'}</p><div class="map-tools" role="toolbar" aria-label="Map zoom"><button type="button" id="zoom-out" aria-label="Zoom out">−</button><span id="zoom-level" aria-live="polite">100%</span><button type="button" id="zoom-in" aria-label="Zoom in">+</button><button type="button" id="zoom-fit">Fit</button><button type="button" id="zoom-reset">Actual size</button></div><div class="legend"><span><span class="swatch gap" aria-hidden="true"></span>badge: the gap count of the few worst nodes (critical and high gaps first, at most ${maxMarked}); every gap is in its node's panel</span><span><span class="swatch path" aria-hidden="true"></span>selected path</span><span>dashed edge: not certain</span></div><div id="map-scroll" role="region" aria-label="Lifecycle map (scrolls)" tabindex="0">${svg}</div>${
    notes.length > 0 &&
    html`<details class="diagnostics"><summary>${plural(notes.length, 'note')} from reading the estate</summary><ul>${notes.map((n) => html`<li>${n}</li>`)}</ul></details>`
  }</section>`;
}
