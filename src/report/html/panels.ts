import type { LifecycleEdge, LifecycleStage } from '../../lifecycle/model.js';
import type { Phase } from '../../lifecycle/posture/model.js';
import { escapeHtml } from './escape.js';
import { changePlace, formatValue, phaseTitles, plural, severityBadge, statusBadge } from './format.js';
import type { ReportFinding } from './input.js';
import { type MapIndex, stageOrder, stageTitles } from './map-index.js';
import type { NodeFacts } from './node-facts.js';

/** Which posture phase a map stage belongs to (the stage panel links to that phase's controls). */
export const phaseOfStage: Record<LifecycleStage, Phase> = {
  source: 'build',
  ci: 'build',
  'parent-registry': 'build',
  build: 'build',
  registry: 'distribute',
  orchestrator: 'run',
  host: 'host',
};

/** A button that opens another node's panel (and lights up its path). */
export function nodeButton(index: MapIndex, id: string, text?: string): string {
  const i = index.indexOf.get(id);
  if (i === undefined) return `<code>${escapeHtml(text ?? id)}</code>`;
  return `<button type="button" class="link to-node" data-node="${i}">${escapeHtml(text ?? index.nodes[i]?.label ?? id)}</button>`;
}

function findingList(findings: readonly ReportFinding[]): string {
  const items = findings.map(
    (f) =>
      `<li>${severityBadge(f.severity)} <strong>${escapeHtml(f.id)}</strong> ${escapeHtml(f.title)}<br><span class="where">${escapeHtml(f.where)}</span>` +
      `${f.detail ? `<br><span class="detail">${escapeHtml(f.detail)}</span>` : ''}</li>`,
  );
  return `<ul class="plain findings-list">${items.join('')}</ul>`;
}

/** One `<template>` per node: facts, connections, controls pointing here, findings; the script clones it into the side panel. */
export function renderNodePanels(index: MapIndex, facts: readonly NodeFacts[]): string {
  const touching = new Map<string, LifecycleEdge[]>();
  for (const edge of index.edges) {
    for (const id of new Set([edge.from, edge.to])) {
      const list = touching.get(id);
      if (list) list.push(edge);
      else touching.set(id, [edge]);
    }
  }
  return index.nodes
    .map((node, i) => {
      const fact = facts[i];
      const parts: string[] = [];
      parts.push(`<h2 class="panel-title" tabindex="-1">${escapeHtml(node.label)}</h2>`);
      parts.push(`<p class="muted">${escapeHtml(node.kind)} · ${escapeHtml(stageTitles[node.stage] ?? node.stage)} stage · <code>${escapeHtml(node.id)}</code></p>`);
      parts.push('<p class="path-note">Its path through the lifecycle is highlighted on the map.</p>');

      const attributes = Object.entries(node.attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (attributes.length) {
        parts.push(`<h3>Facts</h3><dl class="facts">${attributes.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(formatValue(v))}</dd>`).join('')}</dl>`);
      }
      if (node.evidence.length) parts.push(`<h3>Read from</h3><ul class="plain">${node.evidence.map((e) => `<li><code>${escapeHtml(e)}</code></li>`).join('')}</ul>`);

      const links = (touching.get(node.id) ?? []).flatMap((edge) => {
        if (edge.from === node.id) return [`<li><span class="muted">this</span> ${escapeHtml(edge.kind)} ${nodeButton(index, edge.to)}${edgeNote(edge.attributes)}</li>`];
        if (edge.to === node.id) return [`<li>${nodeButton(index, edge.from)} ${escapeHtml(edge.kind)} <span class="muted">this</span>${edgeNote(edge.attributes)}</li>`];
        return [];
      });
      if (links.length) parts.push(`<h3>Connections</h3><ul class="plain">${links.join('')}</ul>`);

      if (fact?.controls.length) {
        const items = fact.controls.map(({ result, evidence, changes }) => {
          const ev = evidence.map((e) => `<li class="${e.ok ? 'ok' : 'bad'}"><span aria-hidden="true">${e.ok ? '✓' : '✗'}</span><span class="sr-only">${e.ok ? 'met here:' : 'gap here:'}</span> ${escapeHtml(e.text)}${e.where ? ` <code>${escapeHtml(e.where)}</code>` : ''}</li>`);
          const ch = changes.map((c) => `<li>${escapeHtml(c.summary)}${changePlace(c) ? ` <code>${escapeHtml(changePlace(c) ?? '')}</code>` : ''}${c.snippet ? `<pre><code>${escapeHtml(c.snippet)}</code></pre>` : ''}</li>`);
          return (
            `<li class="control-item">${statusBadge(result.status)} <strong>${escapeHtml(result.control.id)}</strong> ${escapeHtml(result.control.title)}<br><span class="muted">${escapeHtml(result.summary)}</span>` +
            `${ev.length ? `<ul class="plain evidence">${ev.join('')}</ul>` : ''}${ch.length ? `<p class="small-head">Proposed</p><ul class="plain changes">${ch.join('')}</ul>` : ''}</li>`
          );
        });
        parts.push(`<h3>Controls (${plural(fact.gapCount, 'gap')} marked)</h3><ul class="plain">${items.join('')}</ul>`);
      }
      if (fact?.breaks.length) {
        parts.push(`<h3>Lifecycle breaks</h3><ul class="plain">${fact.breaks.map((b) => `<li>${severityBadge(b.severity)} <strong>${escapeHtml(b.ruleId)}</strong> ${escapeHtml(b.title)}<br><span class="muted">${escapeHtml(b.message)}</span></li>`).join('')}</ul>`);
      }
      if (fact?.unknowns.length) {
        parts.push(`<h3>Unresolved</h3><ul class="plain">${fact.unknowns.map((u) => `<li><code>${escapeHtml(u.value)}</code> at <code>${escapeHtml(u.where)}</code>: ${escapeHtml(u.reason)}</li>`).join('')}</ul>`);
      }
      parts.push(fact?.findings.length ? `<h3>Findings (${fact.findings.length})</h3>${findingList(fact.findings)}` : '<h3>Findings</h3><p class="muted">None on this node.</p>');
      return `<template id="panel-n${i}">${parts.join('')}</template>`;
    })
    .join('\n');
}

function edgeNote(attributes: Record<string, unknown>): string {
  const notes = ['tag', 'digest', 'where', 'stage']
    .filter((k) => typeof attributes[k] === 'string' || typeof attributes[k] === 'number')
    .map((k) => `${k} ${formatValue(attributes[k])}`);
  if (attributes['certain'] === false) notes.push('not certain');
  return notes.length ? ` <span class="muted">(${escapeHtml(notes.join(', '))})</span>` : '';
}

/** One `<template>` per stage: its nodes (as buttons), the gaps and findings on them, and a link to the phase's controls. */
export function renderStagePanels(index: MapIndex, facts: readonly NodeFacts[]): string {
  return stageOrder
    .map((stage) => {
      const members = index.nodes.flatMap((node, i) => (node.stage === stage ? [{ node, i, fact: facts[i] }] : []));
      const phase = phaseOfStage[stage];
      const parts = [`<h2 class="panel-title" tabindex="-1">${escapeHtml(stageTitles[stage])} stage</h2>`];
      parts.push(`<p class="muted">Assessed in the <a href="#phase-${phase}">${escapeHtml(phaseTitles[phase])} controls</a>.</p>`);
      if (!members.length) {
        parts.push('<p>Nothing was read for this stage: add its sources to the estate configuration to assess it.</p>');
      } else {
        const gaps = members.reduce((sum, m) => sum + (m.fact?.gapCount ?? 0), 0);
        const findings = members.reduce((sum, m) => sum + (m.fact?.findings.length ?? 0), 0);
        parts.push(`<p>${plural(members.length, 'node')}, ${plural(gaps, 'gap')} marked, ${plural(findings, 'finding')}.</p>`);
        const items = members.map(
          ({ node, i, fact }) =>
            `<li><button type="button" class="link to-node" data-node="${i}">${escapeHtml(node.label)}</button> <span class="muted">${escapeHtml(node.kind)}` +
            `${fact?.gapCount ? `, ${plural(fact.gapCount, 'gap')}` : ''}${fact?.findings.length ? `, ${plural(fact.findings.length, 'finding')}` : ''}</span></li>`,
        );
        parts.push(`<h3>Nodes</h3><ul class="plain">${items.join('')}</ul>`);
        const controls = new Map<string, string>();
        for (const m of members) for (const c of m.fact?.controls ?? []) if (c.gap) controls.set(c.result.control.id, `<li>${statusBadge(c.result.status)} <strong>${escapeHtml(c.result.control.id)}</strong> ${escapeHtml(c.result.control.title)}</li>`);
        if (controls.size) parts.push(`<h3>Gaps here</h3><ul class="plain">${[...controls.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, html]) => html).join('')}</ul>`);
      }
      return `<template id="panel-stage-${stage}">${parts.join('')}</template>`;
    })
    .join('\n');
}
