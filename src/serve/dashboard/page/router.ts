import { html } from '../../../report/html/escape.js';
import { SignedOut } from './api.js';
import { show } from './dom.js';
import { imagesView, imageView } from './images.js';
import { hostsView } from './hosts.js';
import { findingsView, gapsView } from './items.js';
import { mapPageView } from './map-view.js';
import { overviewView } from './overview.js';

/** A view draws itself into its container; what it returns is called when the reader leaves it. */
type View = (container: HTMLElement, url: URL) => Promise<void | (() => void)>;

const views: { path: RegExp; view: View; title: string; nav: string }[] = [
  { path: /^\/$/, view: overviewView, title: 'Overview', nav: '/' },
  { path: /^\/map$/, view: mapPageView, title: 'Map', nav: '/map' },
  { path: /^\/images$/, view: imagesView, title: 'Images', nav: '/images' },
  { path: /^\/images\/[^/]+$/, view: imageView, title: 'Image', nav: '/images' },
  { path: /^\/findings$/, view: findingsView, title: 'Findings', nav: '/findings' },
  { path: /^\/gaps$/, view: gapsView, title: 'Gaps', nav: '/gaps' },
  { path: /^\/hosts$/, view: hostsView, title: 'Hosts', nav: '/hosts' },
];

const routeOf = (url: URL): (typeof views)[number] | undefined =>
  url.origin === window.location.origin ? views.find((v) => v.path.test(url.pathname)) : undefined;

let leave: (() => void) | undefined;
let drawing = 0;
/** The address drawn last: a change of the `#fragment` alone draws nothing again. */
let drawn = '';

/** Draws the view of `url` in place of the current one (the page never reloads between views). */
async function draw(url: URL, moved: boolean): Promise<void> {
  const route = routeOf(url);
  const main = document.getElementById('view');
  if (!main) return;
  if (!route) return window.location.assign(url.href);
  const turn = ++drawing;
  drawn = `${url.pathname}${url.search}`;
  leave?.();
  leave = undefined;
  document.title = `${route.title} · Shipshape`;
  for (const link of document.querySelectorAll('.bar nav a')) {
    if (link.getAttribute('href') === route.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const container = document.createElement('div');
  container.className = 'view';
  show(container, html`<p class="muted">Loading…</p>`);
  main.replaceChildren(container);
  if (moved) window.scrollTo(0, 0);
  try {
    const left = await route.view(container, url);
    // the reader moved on while this view was loading: it is dropped at once
    if (turn !== drawing) return left?.();
    leave = left ?? undefined;
  } catch (error) {
    if (error instanceof SignedOut || turn !== drawing) return;
    show(
      container,
      html`<h1 tabindex="-1">${route.title}</h1><p class="notice" role="alert">This could not be read: ${error instanceof Error ? error.message : String(error)}</p>`,
    );
  }
  if (moved && turn === drawing) {
    const heading = container.querySelector('h1');
    if (heading instanceof HTMLElement) heading.focus();
    const status = document.getElementById('status');
    if (status) status.textContent = `${document.title} loaded`;
  }
}

function go(url: URL): void {
  window.history.pushState(null, '', url.href);
  void draw(url, true);
}

/** Links to views and the filter forms move between views in the page; back and forward work. */
export function startRouter(): void {
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!(link instanceof HTMLAnchorElement) || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target || link.hasAttribute('download')) return;
    const url = new URL(link.href);
    if (!routeOf(url) || (url.hash && `${url.pathname}${url.search}` === drawn)) return;
    event.preventDefault();
    go(url);
  });
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-filter')) return;
    event.preventDefault();
    const url = new URL(window.location.pathname, window.location.href);
    for (const [name, value] of new FormData(form)) if (typeof value === 'string' && value !== '') url.searchParams.append(name, value);
    go(url);
  });
  // a checkbox that filters at once (running only)
  document.addEventListener('change', (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute('data-submit')) input.form?.requestSubmit();
  });
  window.addEventListener('popstate', () => {
    const url = new URL(window.location.href);
    if (`${url.pathname}${url.search}` !== drawn) void draw(url, true);
  });
  void draw(new URL(window.location.href), false);
}
