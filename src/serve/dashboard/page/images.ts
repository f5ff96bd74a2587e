import { html, type SafeHtml } from '../../../report/html/escape.js';
import type { Page, StoredImage, TrackedItem } from '../../../store/model.js';
import { getJson, query } from './api.js';
import { show } from './dom.js';
import { pathShower } from './estate.js';
import { pageSize, pager } from './pager.js';
import { severityCounts, severityOf, when } from './words.js';

const digestPattern = /^sha256:[a-f0-9]{64}$/;
const shortDigest = (digest: string): string => digest.replace(/^(sha256:[a-f0-9]{12})[a-f0-9]+$/, '$1…');

/** Vulnerability counts by severity, most severe first, each with its word; `not matched` before any advisory match. */
function vulnerabilityCounts(counts: Record<string, number> | undefined): SafeHtml {
  if (counts === undefined) return html`<span class="muted">not matched against advisories</span>`;
  return severityCounts(counts);
}

const running = (image: StoredImage): string => (image.running ? '● running' : '○ not running');

/** `/images`: the estate's images, filtered by text and running, with their vulnerability counts. */
export async function imagesView(container: HTMLElement, url: URL): Promise<void> {
  const params = url.searchParams;
  const page = await getJson<Page<StoredImage>>(
    `/api/images${query({ limit: String(pageSize), q: params.get('q') ?? undefined, running: params.get('running') === 'true' ? 'true' : undefined, cursor: params.get('cursor') ?? undefined })}`,
  );
  const { count, links } = pager(url, page.items.length, page.total, page.next, 'images');
  const rows = page.items.map(
    (image) =>
      html`<tr><td data-label="Image"><a href="/images/${encodeURIComponent(image.digest)}">${image.references[0] ?? image.digest}</a>${image.references.length > 1 ? html` <span class="muted small">and ${image.references.length - 1} more</span>` : ''}<br><code class="small">${shortDigest(image.digest)}</code></td><td data-label="Platform">${image.platform}</td><td data-label="Vulnerabilities">${vulnerabilityCounts(image.vulnerabilities)}</td><td data-label="Running">${running(image)}</td><td data-label="Last seen">${when(image.lastSeenAt)}</td></tr>`,
  );
  show(
    container,
    html`<h1 tabindex="-1">Images</h1><form class="filters" data-filter role="search" aria-label="Filter images"><label>Search <input type="search" name="q" value="${params.get('q') ?? ''}" placeholder="registry, repository, tag, digest…" autocomplete="off"></label><label class="check"><input type="checkbox" name="running" value="true" data-submit${params.get('running') === 'true' ? html` checked` : ''}> Running only</label><button type="submit">Apply</button></form>${count}<div class="table-wrap"><table class="tbl images"><caption class="sr-only">Images</caption><colgroup><col class="c-image"><col class="c-platform"><col class="c-vulns"><col class="c-running"><col class="c-seen"></colgroup><thead><tr><th scope="col">Image</th><th scope="col">Platform</th><th scope="col">Vulnerabilities</th><th scope="col">Running</th><th scope="col">Last seen</th></tr></thead><tbody>${rows}</tbody></table></div>${links}`,
  );
}

/** `/images/<digest>`: one image's references, platform, times, whether it runs, and its open findings. */
export async function imageView(container: HTMLElement, url: URL): Promise<void> {
  const digest = decodeURIComponent(url.pathname.slice('/images/'.length));
  if (!digestPattern.test(digest)) {
    show(
      container,
      html`<h1 tabindex="-1">Image</h1><p class="notice">Not an image digest: <code>${digest}</code>. Images are named by their sha256 digest.</p>`,
    );
    return;
  }
  const [image, shown] = await Promise.all([
    getJson<StoredImage & { findings: TrackedItem[]; findingsTotal: number }>(`/api/images/${encodeURIComponent(digest)}`),
    pathShower(),
  ]);
  document.title = `${image.references[0] ?? digest} · Shipshape`;
  const findings = image.findings.map(
    (f) =>
      html`<tr><td data-label="Severity">${severityOf(f.severity)}</td><td data-label="Rule"><code>${f.ruleId}</code></td><td data-label="Title">${shown(f.title)}${f.detail ? html`<br><span class="detail">${shown(f.detail)}</span>` : ''}</td><td data-label="Where"><code>${shown(f.where)}</code></td><td data-label="When">opened ${when(f.firstSeenAt)}</td></tr>`,
  );
  show(
    container,
    html`<p class="small"><a href="/images">← Images</a></p><h1 tabindex="-1">${image.references[0] ?? digest}</h1><dl class="facts image"><dt>Digest</dt><dd><code>${image.digest}</code></dd><dt>References</dt><dd><ul class="plain">${image.references.map((r) => html`<li><code>${r}</code></li>`)}</ul></dd><dt>Platform</dt><dd>${image.platform}</dd><dt>Running</dt><dd>${image.running ? '● yes: the last run saw it running on a cluster' : '○ no: the last run did not see it running'}</dd><dt>First seen</dt><dd>${when(image.firstSeenAt)}</dd><dt>Last seen</dt><dd>${when(image.lastSeenAt)}</dd><dt>Vulnerabilities</dt><dd>${vulnerabilityCounts(image.vulnerabilities)}${image.matchedAt ? html` <span class="muted small">(matched ${when(image.matchedAt)})</span>` : ''}</dd></dl><h2>Open findings (${image.findingsTotal})</h2>${
      findings.length > 0
        ? html`<div class="table-wrap"><table class="tbl items"><caption class="sr-only">Open findings of this image</caption><colgroup><col class="c-sev"><col class="c-rule"><col class="c-title"><col class="c-where"><col class="c-when"></colgroup><thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Title</th><th scope="col">Where</th><th scope="col">When</th></tr></thead><tbody>${findings}</tbody></table></div>${
            image.findingsTotal > image.findings.length ? html`<p>Showing ${image.findings.length} of ${image.findingsTotal}.</p>` : ''
          }<p><a href="/findings?image=${encodeURIComponent(image.digest)}">These findings in the findings list</a> (filter, resolved ones, pages)</p>`
        : html`<p class="muted">No open finding names this image.</p>`
    }`,
  );
}
