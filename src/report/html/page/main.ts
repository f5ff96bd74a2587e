/**
 * The report's only script, bundled at build time into one classic script and inlined (admitted by
 * its hash in the page's CSP). It reads the flows from the JSON data block, lights up a node's path
 * (the same `lifecyclePath` the renderer's tests use), opens side panels, zooms the map and filters
 * the findings tables, and copies a proposed change's patch. It loads nothing.
 */
import type { Flow } from '../map-walk.js';
import { wireCopyButtons } from './copy.js';
import { wireFilters } from './filters.js';
import { wireMapInteractions } from './interactions.js';

const data = JSON.parse(document.getElementById('report-data')?.textContent ?? '{}') as { flows?: Flow[] };
wireMapInteractions(data.flows ?? []);
wireFilters();
wireCopyButtons();
