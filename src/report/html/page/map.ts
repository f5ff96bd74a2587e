import { maxOf, minOf } from '../../../core/collections.js';
import { type Flow, lifecyclePath } from '../map-walk.js';
import { byId } from './dom.js';

/** The lifecycle map: a node's path lit up and kept in view, and zoom (the SVG keeps its aspect ratio; its box scrolls). */
export interface MapView {
  showPath(index: number): void;
  clearPath(): void;
  /** Scrolls the page to the map and the map's box to the node. */
  scrollTo(index: number): void;
  /** Stops following the map box's size (the dashboard leaves the map view). */
  stop(): void;
}

/** Below this the labels cannot be read at all: a wider map scrolls in its box instead. */
const minZoom = 0.25;

export function mapView(flows: readonly Flow[]): MapView {
  const svg = document.getElementById('map-svg');
  const box = document.getElementById('map-scroll');
  let lit: number[] = [];
  let selected = -1;
  const clearPath = (): void => {
    lit = [];
    selected = -1;
    if (!svg) return;
    svg.classList.remove('has-path');
    for (const el of svg.querySelectorAll('.on-path, .selected')) el.classList.remove('on-path', 'selected');
    for (const el of svg.querySelectorAll('[aria-pressed]')) el.removeAttribute('aria-pressed');
  };
  // the lit path inside the box's visible part: scrolled to whole when it fits, else centred on the selected node
  const reveal = (): void => {
    if (!box || lit.length === 0) return;
    const rects: DOMRect[] = [];
    for (const n of lit) {
      const el = document.getElementById(`node-${n}`);
      if (el) rects.push(el.getBoundingClientRect());
    }
    const start = document.getElementById(`node-${selected}`)?.getBoundingClientRect();
    if (rects.length === 0 || !start) return;
    const b = box.getBoundingClientRect();
    // how far to scroll along one axis: the whole path into view, or its start to the middle when the path is larger
    const along = (low: 'left' | 'top', high: 'right' | 'bottom', origin: number, size: number, centre: number): number => {
      const [from, to] = [minOf(rects.map((r) => r[low])), maxOf(rects.map((r) => r[high]))];
      if (to - from > size) return centre - origin - size / 2;
      if (from < origin) return from - origin - 8;
      if (to > origin + size) return to - origin - size + 8;
      return 0;
    };
    box.scrollLeft += along('left', 'right', b.left, box.clientWidth, start.left + start.width / 2);
    box.scrollTop += along('top', 'bottom', b.top, box.clientHeight, start.top + start.height / 2);
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
    lit = path.nodes;
    selected = index;
    reveal();
  };
  const scrollTo = (index: number): void => {
    const el = document.getElementById(`node-${index}`);
    document.getElementById('map')?.scrollIntoView({ block: 'start' });
    if (!el || !box) return;
    const r = el.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    box.scrollLeft += r.left - b.left - b.width / 2 + r.width / 2;
    box.scrollTop += r.top - b.top - b.height / 2 + r.height / 2;
  };
  const stop = svg && box ? wireZoom(svg, box, reveal) : (): void => undefined;
  return { showPath, clearPath, scrollTo, stop };
}

/**
 * Zoom buttons, and the map fitted to its box's width: when it opens, and again whenever the box
 * changes width (a side panel opening beside it, a window resized) until the reader zooms by hand.
 * Returns what stops following the box.
 */
function wireZoom(svg: HTMLElement, box: HTMLElement, reveal: () => void): () => void {
  let zoom = 1;
  let fitting = true;
  const width = Number(svg.getAttribute('data-width'));
  const setZoom = (z: number): void => {
    zoom = Math.max(minZoom, Math.min(3, z));
    svg.style.width = `${Math.round(width * zoom)}px`;
    svg.style.height = 'auto';
    const label = document.getElementById('zoom-level');
    if (label) label.textContent = `${Math.round(zoom * 100)}%`;
  };
  // never enlarged past its actual size: a small map stays as it is
  const fit = (): void => setZoom(Math.min(1, (box.clientWidth - 2) / width));
  const byHand = (z: number): void => {
    fitting = false;
    setZoom(z);
  };
  byId('zoom-in', HTMLButtonElement)?.addEventListener('click', () => byHand(zoom * 1.25));
  byId('zoom-out', HTMLButtonElement)?.addEventListener('click', () => byHand(zoom / 1.25));
  byId('zoom-reset', HTMLButtonElement)?.addEventListener('click', () => byHand(1));
  byId('zoom-fit', HTMLButtonElement)?.addEventListener('click', () => {
    fitting = true;
    fit();
    reveal();
  });
  fit();
  // the box's outer width depends on the page, never on the map inside it: fitting cannot loop
  let seen = box.offsetWidth;
  const observer = new ResizeObserver(() => {
    if (box.offsetWidth === seen) return;
    seen = box.offsetWidth;
    if (fitting) fit();
    reveal();
  });
  observer.observe(box);
  return () => observer.disconnect();
}
