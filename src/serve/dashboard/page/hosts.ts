import { html } from '../../../report/html/escape.js';
import type { HostSummary, Page } from '../../../store/model.js';
import { getJson, query } from './api.js';
import { show } from './dom.js';
import { pageSize, pager } from './pager.js';
import { severityCounts, when } from './words.js';

const engineLine = (engine: HostSummary['engines'][number]): string =>
  `${engine.kind} ${engine.version ?? '(version unknown)'} · ${engine.containers} container${engine.containers === 1 ? '' : 's'}`;

/** `/hosts`: the hosts that sent their reports (`host scan --report-to`), by name, with what each report says in numbers. */
export async function hostsView(container: HTMLElement, url: URL): Promise<void> {
  const page = await getJson<Page<HostSummary>>(`/api/hosts${query({ limit: String(pageSize), cursor: url.searchParams.get('cursor') ?? undefined })}`);
  if (page.total === 0) {
    show(
      container,
      html`<h1 tabindex="-1">Hosts</h1><p class="notice">No host has sent a report yet: run <code>shipshape host scan --report-to</code> on each host (the DaemonSet of deploy/kustomize does, on every node).</p>`,
    );
    return;
  }
  const { count, links } = pager(url, page.items.length, page.total, page.next, 'hosts');
  const rows = page.items.map(
    (host) =>
      html`<tr><td data-label="Host"><a href="/api/hosts/${encodeURIComponent(host.name)}">${host.name}</a></td><td data-label="OS">${host.os ?? html`<span class="muted">unknown</span>`}${host.kernel ? html`<br><span class="muted small">kernel ${host.kernel}</span>` : ''}</td><td data-label="Engines">${
        host.engines.length > 0
          ? html`<ul class="plain">${host.engines.map((engine) => html`<li>${engineLine(engine)}</li>`)}</ul>`
          : html`<span class="muted">none found</span>`
      }</td><td data-label="Containers">${host.containers}</td><td data-label="Findings">${severityCounts(host.findings)}</td><td data-label="Not read">${
        host.unknown > 0 ? html`<span class="part-stale">${host.unknown} unknown</span>` : '—'
      }</td><td data-label="Received">${when(host.receivedAt)}</td></tr>`,
  );
  show(
    container,
    html`<h1 tabindex="-1">Hosts</h1><p class="muted small">The newest report of each host; every run assesses them (controls SS-CTL-H06 to H08). What a report could not read is unknown, never clean. The host's name links to its report (JSON).</p>${count}<div class="table-wrap"><table class="tbl hosts"><caption class="sr-only">Hosts</caption><colgroup><col class="c-host"><col class="c-os"><col class="c-engines"><col class="c-containers"><col class="c-findings"><col class="c-unknown"><col class="c-seen"></colgroup><thead><tr><th scope="col">Host</th><th scope="col">OS</th><th scope="col">Engines</th><th scope="col">Containers</th><th scope="col">Findings</th><th scope="col">Not read</th><th scope="col">Received</th></tr></thead><tbody>${rows}</tbody></table></div>${links}`,
  );
}
