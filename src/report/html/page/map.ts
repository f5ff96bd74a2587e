import { type Flow, lifecyclePath } from '../map-walk.js';
import { byId } from './dom.js';

/** The lifecycle map: a node's path lit up, and zoom (the SVG keeps its aspect ratio; its box scrolls). */
export interface MapView {
  showPath(index: number): void;
  clearPath(): void;
  /** Scrolls the page to the map and the map's box to the node. */
  scrollTo(index: number): void;
}

export function mapView(flows: readonly Flow[]): MapView {
  const svg = document.getElementById('map-svg');
  const clearPath = (): void => {
    if (!svg) return;
    svg.classList.remove('has-path');
    for (const el of svg.querySelectorAll('.on-path, .selected')) el.classList.remove('on-path', 'selected');
    for (const el of svg.querySelectorAll('[aria-pressed]')) el.removeAttribute('aria-pressed');
  };
  const showPath = (index: number): void => {
    clearPath();
    if (!svg) return;
    const path = lifecyclePath(flows, index);
    svg.classList.add('has-path');
    for (const n of path.nodes) document.getElementById(`node-${n}`)?.classList.add('on-path');
    for (const e of path.edges) svg.querySelector(`[data-edge="${e}"]`)?.classList.add('on-path');
    const start = document.getElementById(`node-${index}`);
    start?.classList.add('selected');
    start?.setAttribute('aria-pressed', 'true');
  };
  const scrollTo = (index: number): void => {
    const el = document.getElementById(`node-${index}`);
    const box = document.getElementById('map-scroll');
    document.getElementById('map')?.scrollIntoView({ block: 'start' });
    if (!el || !box) return;
    const r = el.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    box.scrollLeft += r.left - b.left - b.width / 2 + r.width / 2;
    box.scrollTop += r.top - b.top - b.height / 2 + r.height / 2;
  };
  if (svg) wireZoom(svg);
  return { showPath, clearPath, scrollTo };
}

function wireZoom(svg: HTMLElement): void {
  let zoom = 1;
  const width = Number(svg.getAttribute('data-width'));
  const setZoom = (z: number): void => {
    zoom = Math.max(0.25, Math.min(3, z));
    svg.style.width = `${Math.round(width * zoom)}px`;
    svg.style.height = 'auto';
    const label = document.getElementById('zoom-level');
    if (label) label.textContent = `${Math.round(zoom * 100)}%`;
  };
  const fit = (): void => {
    const box = document.getElementById('map-scroll');
    if (box) setZoom((box.clientWidth - 2) / width);
  };
  byId('zoom-in', HTMLButtonElement)?.addEventListener('click', () => setZoom(zoom * 1.25));
  byId('zoom-out', HTMLButtonElement)?.addEventListener('click', () => setZoom(zoom / 1.25));
  byId('zoom-fit', HTMLButtonElement)?.addEventListener('click', fit);
  byId('zoom-reset', HTMLButtonElement)?.addEventListener('click', () => setZoom(1));
}
