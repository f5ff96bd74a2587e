import { SafeHtml } from '../../../report/html/escape.js';

/**
 * The dashboard's one way to put markup in the page: only markup the report's `html` template made,
 * in which every value from the API was escaped. Anything else is refused.
 */
export function show(target: Element, markup: SafeHtml): void {
  if (!(markup instanceof SafeHtml)) throw new TypeError('show() takes markup made by html`…` only');
  target.innerHTML = markup.toString();
}
