import type { Flow } from '../map-walk.js';
import { mapView, type MapView } from './map.js';
import { panelOf } from './panel.js';

/**
 * Clicks and keys on the map and its panel: a node (or a "show on map" button naming one) lights
 * up its path and opens its panel, a stage heading opens the stage's, Escape and Close close it.
 * The report wires it once; the dashboard each time it shows the map, and `stop` unwires it.
 */
export function wireMapInteractions(flows: readonly Flow[]): MapView {
  const map = mapView(flows);
  const panel = panelOf();

  const activate = (target: Element): boolean => {
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
  };
  const close = (): void => {
    if (panel.close()) map.clearPath();
  };
  const onClick = (event: MouseEvent): void => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    if (target.closest('#panel-close')) return close();
    if (activate(target) && target.closest('a')) event.preventDefault();
  };
  // SVG groups are role="button": Enter and Space activate them like buttons
  const onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') return close();
    const target = event.target;
    if ((event.key === 'Enter' || event.key === ' ') && target instanceof Element && target.closest('svg') && target.getAttribute('role') === 'button') {
      event.preventDefault();
      activate(target);
    }
  };
  document.addEventListener('click', onClick);
  document.addEventListener('keydown', onKey);
  return {
    ...map,
    stop() {
      map.stop();
      panel.close();
      document.removeEventListener('click', onClick);
      document.removeEventListener('keydown', onKey);
    },
  };
}
