import { html } from '../../../report/html/escape.js';
import type { Flow } from '../../../report/html/map-walk.js';
import { wireMapInteractions } from '../../../report/html/page/interactions.js';
import { getText, query } from './api.js';
import { show } from './dom.js';
import { estateSummary } from './estate.js';
import { when } from './words.js';

/**
 * `/map`: the lifecycle map of the latest finished run (or `?run=`), drawn by the server exactly as
 * the HTML report draws it — the same SVG, panels and script (report/html/page/) — and placed here.
 * The markup is the server's own, built with the escaping `html` template: it is parsed as a
 * document, never given API data to interpolate. Returns what stops the map's listeners.
 */
export async function mapPageView(container: HTMLElement, url: URL): Promise<() => void> {
  const run = url.searchParams.get('run') ?? undefined;
  const [markup, estate] = await Promise.all([getText(`/dashboard/map${query({ run })}`), run === undefined ? estateSummary() : Promise.resolve(undefined)]);
  show(
    container,
    html`<h1 tabindex="-1">Map</h1><p class="muted">${run === undefined ? html`The latest finished run${estate ? html`, ${when(estate.run.finishedAt)}` : ''}.` : html`Run <code>${run}</code>.`}</p>`,
  );
  const parsed = new DOMParser().parseFromString(markup, 'text/html');
  for (const node of Array.from(parsed.body.childNodes)) container.append(node);
  const data = JSON.parse(container.querySelector('#report-data')?.textContent ?? '{}') as { flows?: Flow[] };
  const map = wireMapInteractions(data.flows ?? []);
  return () => map.stop();
}
