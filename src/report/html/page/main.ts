/**
 * The report's only script, bundled at build time into one classic script and inlined (admitted by
 * its hash in the page's CSP). It reads the flows from the JSON data block, lights up a node's path
 * (the same `lifecyclePath` the renderer's tests use), opens side panels, zooms the map and filters
 * the findings tables. It loads nothing.
 */
import type { Flow } from '../map-walk.js';
import { wireFilters } from './filters.js';
import { mapView } from './map.js';
import { panelOf } from './panel.js';

const data = JSON.parse(document.getElementById('report-data')?.textContent ?? '{}') as { flows?: Flow[] };
const map = mapView(data.flows ?? []);
const panel = panelOf();

function activate(target: Element): boolean {
  const node = target.closest('[data-node]');
  if (node) {
    const index = Number(node.getAttribute('data-node'));
    map.showPath(index);
    panel.open(`panel-n${index}`, node);
    if (node.hasAttribute('data-scroll')) map.scrollTo(index);
    return true;
  }
  const stage = target.closest('[data-stage]');
  if (stage) {
    map.clearPath();
    panel.open(`panel-stage-${stage.getAttribute('data-stage') ?? ''}`, stage);
    return true;
  }
  return false;
}

function close(): void {
  if (panel.close()) map.clearPath();
}

document.addEventListener('click', (event) => {
  const target = event.target;
  if (!(target instanceof Element)) return;
  if (target.closest('#panel-close')) return close();
  if (activate(target) && target.closest('a')) event.preventDefault();
});
// SVG groups are role="button": Enter and Space activate them like buttons
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') return close();
  const target = event.target;
  if ((event.key === 'Enter' || event.key === ' ') && target instanceof Element && target.closest('svg') && target.getAttribute('role') === 'button') {
    event.preventDefault();
    activate(target);
  }
});
wireFilters();
