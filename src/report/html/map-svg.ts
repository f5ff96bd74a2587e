import type { LifecycleNode } from '../../lifecycle/model.js';
import { html, type SafeHtml } from './escape.js';
import { labelMax, type MapLayout } from './layout.js';
import { type MapIndex, stageTitles } from './map-index.js';
import type { NodeFacts } from './node-facts.js';
import { edgeWords, fullNameOf, kindWords, shortLabel } from './node-words.js';
import { plural } from './format.js';

/**
 * The small line above a node's label: its kind (with a workload's namespace, which its label
 * lacks: prod and staging run the same `Deployment/api`) and how many findings it has.
 */
export function captionOf(node: Pick<LifecycleNode, 'kind' | 'attributes'>, facts: NodeFacts | undefined): string {
  const namespace = node.kind === 'workload' && typeof node.attributes['namespace'] === 'string' ? ` · ${node.attributes['namespace']}` : '';
  const findings = facts?.findings.length ?? 0;
  return `${kindWords[node.kind] ?? node.kind}${namespace}${findings ? ` · ${plural(findings, 'finding')}` : ''}`;
}

/**
 * The map as inline SVG: stage columns with headings (buttons), edges, and one button per node;
 * the few nodes with the worst gaps (`NodeFacts.marked`) get a badge counting them. Everything the
 * script needs is a numeric data attribute; every text is escaped.
 */
export function renderMapSvg(index: MapIndex, layout: MapLayout, facts: readonly NodeFacts[]): SafeHtml {
  const top = layout.headingHeight;
  const columns = layout.columns.map((column, i) => {
    const count = index.nodes.filter((n) => n.stage === column.stage).length;
    const title = stageTitles[column.stage];
    const head = html`<g class="stage-head" data-stage="${column.stage}" role="button" tabindex="0" aria-label="${`${title} stage: ${plural(count, 'node')}`}"><rect x="${column.x + 4}" y="6" width="${Math.max(0, column.width - 8)}" height="${top - 14}" rx="6"/><text x="${column.x + column.width / 2}" y="${top / 2 + 1}" text-anchor="middle">${title} (${count})</text></g>`;
    const placeholder = column.placeholder
      ? html`<g class="placeholder" aria-hidden="true"><rect x="${column.placeholder.x}" y="${column.placeholder.y}" width="${column.placeholder.width}" height="${column.placeholder.height}" rx="6"/><text x="${column.placeholder.x + column.placeholder.width / 2}" y="${column.placeholder.y + 27}" text-anchor="middle">nothing read</text></g>`
      : '';
    return html`<rect class="column${i % 2 ? ' odd' : ''}" x="${column.x}" y="0" width="${column.width}" height="${layout.height}"/>${head}${placeholder}`;
  });

  const edges = index.edges.map((edge, i) => {
    const laid = layout.edges[i];
    if (!laid || laid.points.length < 2) return '';
    const d = laid.points.map((p, j) => `${j ? 'L' : 'M'}${p.x} ${p.y}`).join(' ');
    const [fromNode, toNode] = [index.nodes[index.indexOf.get(edge.from) ?? -1], index.nodes[index.indexOf.get(edge.to) ?? -1]];
    const [from, to] = [fromNode ? fullNameOf(fromNode) : edge.from, toNode ? fullNameOf(toNode) : edge.to];
    const uncertain = edge.attributes['certain'] === false ? ' uncertain' : '';
    return html`<path class="edge ek-${edge.kind}${uncertain}" data-edge="${i}" d="${d}" marker-end="url(#arrow)"><title>${`${from} ${edgeWords[edge.kind] ?? edge.kind} ${to}`}</title></path>`;
  });

  const nodes = index.nodes.map((node, i) => {
    const box = layout.nodes[i];
    if (!box) return '';
    const fact = facts[i];
    const gaps = fact?.gapCount ?? 0;
    const findings = fact?.findings.length ?? 0;
    const worst = fact?.marked && fact.worst ? ` (worst ${fact.worst.toLowerCase()})` : '';
    const label = `${kindWords[node.kind] ?? node.kind} ${node.label}${gaps ? `, ${plural(gaps, 'gap')}${worst}` : ''}${findings ? `, ${plural(findings, 'finding')}` : ''}`;
    const badge = fact?.marked
      ? html`<g class="badge" aria-hidden="true" transform="translate(${box.width - 2} 2)"><circle r="10"/><text text-anchor="middle" y="4">${gaps > 99 ? '99+' : gaps}</text></g>`
      : '';
    return html`<g class="node nk-${node.kind}${fact?.marked ? ' has-gap' : ''}" id="node-${i}" data-node="${i}" role="button" tabindex="0" aria-label="${label}" transform="translate(${box.x} ${box.y})"><title>${fullNameOf(node)}</title><rect class="box" width="${box.width}" height="${box.height}" rx="6"/><text class="caption" x="10" y="17">${captionOf(node, fact)}</text><text class="label" x="10" y="35">${shortLabel(node.label, labelMax)}</text>${badge}</g>`;
  });

  return html`<svg id="map-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" data-width="${layout.width}" role="group" aria-label="${`Lifecycle map: ${plural(index.nodes.length, 'node')}, ${plural(index.edges.length, 'edge')}`}"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z"/></marker></defs><g class="columns">${columns}</g><g class="edges">${edges}</g><g class="nodes">${nodes}</g></svg>`;
}
