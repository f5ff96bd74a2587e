import { html, type SafeHtml } from '../../report/html/escape.js';
import { phaseTitles } from '../../report/html/format.js';
import { indexMap } from '../../report/html/map-index.js';
import { panelAside, renderMapParts } from '../../report/html/map-section.js';
import { type PostureDocument, shownDocument } from './estate.js';

/** Laying a map out takes seconds on large estates; a run's map never changes, so the last few are kept by run. */
const kept = new Map<string, Promise<SafeHtml>>();
const keptRuns = 4;

/**
 * The lifecycle map of a run as the HTML report draws it (the same section, SVG, panels and flow
 * data), for the dashboard's map view to place: markup the report's `html` template escaped.
 */
export function mapFragmentOf(document: PostureDocument): Promise<SafeHtml> {
  const key = document.run.id;
  const found = kept.get(key);
  if (found) return found;
  const rendered = renderFragment(document);
  kept.set(key, rendered);
  // a failed render is not kept: the next request tries again
  rendered.catch(() => kept.delete(key));
  while (kept.size > keptRuns) kept.delete(kept.keys().next().value ?? key);
  return rendered;
}

async function renderFragment(given: PostureDocument): Promise<SafeHtml> {
  const document = shownDocument(given);
  const map = await renderMapParts(document, indexMap(document.map), (phase) => ({
    href: `/gaps?phase=${phase}`,
    text: `open gaps of the ${phaseTitles[phase]} phase`,
  }));
  return html`${map.section}${panelAside}${map.panels}${map.data}`;
}
