import { html, type SafeHtml } from '../../../report/html/escape.js';
import { phaseOrder, phaseTitles } from '../../../report/html/format.js';
import type { Page, TrackedItem } from '../../../store/model.js';
import { getJson, query } from './api.js';
import { show } from './dom.js';
import { pathShower } from './estate.js';
import { option, pageSize, pager } from './pager.js';
import { severities, severityOf, when } from './words.js';

const categories = ['vulnerability', 'secret', 'misconfiguration', 'lifecycle'];
const phaseName = (phase: string): string => (phaseTitles as Record<string, string>)[phase] ?? phase;

/** `/findings`: every finding across runs, filtered by severity, phase, category, state, text (and image), a page at a time. */
export function findingsView(container: HTMLElement, url: URL): Promise<void> {
  return itemsView(container, url, 'finding');
}

/** `/gaps`: the controls at gap or partial across runs, with when they opened and were resolved. */
export function gapsView(container: HTMLElement, url: URL): Promise<void> {
  return itemsView(container, url, 'gap');
}

async function itemsView(container: HTMLElement, url: URL, kind: 'finding' | 'gap'): Promise<void> {
  const params = url.searchParams;
  const state = params.get('state') ?? 'open';
  const api =
    kind === 'finding'
      ? `/api/findings${query({
          limit: String(pageSize),
          severity: params.getAll('severity').join(','),
          phase: params.get('phase') ?? undefined,
          category: params.get('category') ?? undefined,
          state,
          q: params.get('q') ?? undefined,
          image: params.get('image') ?? undefined,
          cursor: params.get('cursor') ?? undefined,
        })}`
      : `/api/gaps${query({ limit: String(pageSize), phase: params.get('phase') ?? undefined, state, cursor: params.get('cursor') ?? undefined })}`;
  const [page, shown] = await Promise.all([getJson<Page<TrackedItem>>(api), pathShower()]);
  const noun = `${state === 'all' ? '' : `${state} `}${kind === 'finding' ? 'findings' : 'gaps'}`;
  const { count, links } = pager(url, page.items.length, page.total, page.next, noun);
  show(
    container,
    html`<h1 tabindex="-1">${kind === 'finding' ? 'Findings' : 'Gaps'}</h1><p class="muted">${
      kind === 'finding'
        ? 'Vulnerabilities, secrets, misconfigurations and lifecycle breaks, tracked across runs.'
        : 'Controls at gap or partial, tracked across runs: when each opened and when it was resolved.'
    }</p>${filters(url, kind)}${count}${table(page.items, kind, shown)}${links}`,
  );
}

function filters(url: URL, kind: 'finding' | 'gap'): SafeHtml {
  const params = url.searchParams;
  const chosen = new Set(params.getAll('severity'));
  const image = params.get('image');
  const findingOnly =
    kind === 'finding'
      ? html`<fieldset><legend>Severity</legend>${severities.map(
          (s) => html`<label><input type="checkbox" name="severity" value="${s}"${chosen.has(s) ? html` checked` : ''}> ${s.toLowerCase()}</label>`,
        )}</fieldset><label>Category <select name="category">${option('', 'any', params.get('category'))}${categories.map((c) => option(c, c, params.get('category')))}</select></label>`
      : '';
  const search =
    kind === 'finding'
      ? html`<label>Search <input type="search" name="q" value="${params.get('q') ?? ''}" placeholder="id, title, place…" autocomplete="off"></label>`
      : '';
  return html`<form class="filters" data-filter role="search" aria-label="Filter ${kind === 'finding' ? 'findings' : 'gaps'}">${findingOnly}<label>Phase <select name="phase">${option('', 'any', params.get('phase'))}${phaseOrder.map((p) => option(p, phaseTitles[p], params.get('phase')))}</select></label><label>State <select name="state">${option('open', 'open', params.get('state') ?? 'open')}${option('resolved', 'resolved', params.get('state'))}${option('all', 'open and resolved', params.get('state'))}</select></label>${search}${
    image
      ? html`<input type="hidden" name="image" value="${image}"><p class="small">Of image <code>${image}</code> · <a href="/${kind === 'finding' ? 'findings' : 'gaps'}">all images</a></p>`
      : ''
  }<button type="submit">Apply</button></form>`;
}

function table(items: readonly TrackedItem[], kind: 'finding' | 'gap', shown: (text: string) => string): SafeHtml {
  const rows = items.map((item) => {
    const status = kind === 'gap' ? html`<br><span class="small">${item.category === 'partial' ? '◐ partial' : '✗ gap'}</span>` : '';
    const seen = item.resolvedAt
      ? html`<span class="part-ok">resolved ${when(item.resolvedAt)}</span><br><span class="muted small">opened ${when(item.firstSeenAt)}</span>`
      : html`opened ${when(item.firstSeenAt)}<br><span class="muted small">last seen ${when(item.lastSeenAt)}</span>`;
    return html`<tr data-severity="${item.severity}"><td data-label="Severity">${severityOf(item.severity)}${status}</td><td data-label="${kind === 'gap' ? 'Control' : 'Rule'}"><code>${item.ruleId}</code></td><td data-label="Title">${shown(item.title)}${item.detail ? html`<br><span class="detail">${shown(item.detail)}</span>` : ''}</td><td data-label="Where"><code>${shown(item.where)}</code><br><span class="muted small">${phaseName(item.phase)}${kind === 'finding' ? ` · ${item.category}` : ''}</span></td><td data-label="When">${seen}</td></tr>`;
  });
  return html`<div class="table-wrap"><table class="tbl items"><caption class="sr-only">${kind === 'finding' ? 'Findings' : 'Gaps'}</caption><colgroup><col class="c-sev"><col class="c-rule"><col class="c-title"><col class="c-where"><col class="c-when"></colgroup><thead><tr><th scope="col">Severity</th><th scope="col">${kind === 'gap' ? 'Control' : 'Rule'}</th><th scope="col">Title</th><th scope="col">Where</th><th scope="col">When</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}
