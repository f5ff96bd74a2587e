import { html, type SafeHtml } from '../../../report/html/escape.js';

/** The page size of every list. */
export const pageSize = 25;

/**
 * "Showing 26–50 of 80 …" and the links to the first and next pages. The API's cursor is opaque,
 * so the position of the page (`from`) rides along in the address only to number it.
 */
export function pager(url: URL, shown: number, total: number, next: string | undefined, noun: string): { count: SafeHtml; links: SafeHtml } {
  const from = Math.max(0, Number(url.searchParams.get('from') ?? '0') || 0);
  const count = html`<p class="count" role="status">${shown === 0 ? `No ${noun} match.` : `Showing ${from + 1}–${from + shown} of ${total} ${noun}`}</p>`;
  const link = (cursor: string | undefined, start: number): string => {
    const target = new URL(url.href);
    if (cursor === undefined) target.searchParams.delete('cursor');
    else target.searchParams.set('cursor', cursor);
    if (start === 0) target.searchParams.delete('from');
    else target.searchParams.set('from', String(start));
    return `${target.pathname}${target.search}`;
  };
  const links = html`<nav class="pager" aria-label="Pages">${url.searchParams.has('cursor') ? html`<a href="${link(undefined, 0)}">First page</a>` : ''}${next ? html`<a href="${link(next, from + shown)}" rel="next">Next page</a>` : ''}</nav>`;
  return { count, links };
}

/** An option of a `<select>`, chosen when it is the address's value. */
export function option(value: string, label: string, current: string | null): SafeHtml {
  return html`<option value="${value}"${value === (current ?? '') ? html` selected` : ''}>${label}</option>`;
}
