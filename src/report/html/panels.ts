import type { LifecycleEdge, LifecycleStage } from '../../lifecycle/model.js';
import type { Phase } from '../../lifecycle/posture/model.js';
import { changeItem } from './changes.js';
import { html, joinHtml, type SafeHtml } from './escape.js';
import { formatValue, phaseTitles, plural, severityBadge, statusBadge } from './format.js';
import { edgeWords, factRows, fullNameOf, kindWords } from './node-words.js';
import type { ReportFinding } from './input.js';
import { type MapIndex, stageOrder, stageTitles } from './map-index.js';
import type { NodeFacts } from './node-facts.js';

/** Which posture phase a map stage belongs to (the stage panel links to that phase's controls). */
const phaseOfStage: Record<LifecycleStage, Phase> = {
  source: 'build',
  ci: 'build',
  'parent-registry': 'build',
  build: 'build',
  registry: 'distribute',
  orchestrator: 'run',
  host: 'host',
};

/** A button that opens another node's panel (and lights up its path). */
function nodeButton(index: MapIndex, id: string, text?: string): SafeHtml {
  const i = index.indexOf.get(id);
  if (i === undefined) return html`<code>${text ?? id}</code>`;
  const node = index.nodes[i];
  return html`<button type="button" class="link to-node" data-node="${i}">${text ?? (node ? fullNameOf(node) : id)}</button>`;
}

function findingList(findings: readonly ReportFinding[]): SafeHtml {
  const items = findings.map(
    (f) =>
      html`<li>${severityBadge(f.severity)} <strong>${f.id}</strong> ${f.title}<br><span class="where">${f.where}</span>${f.detail ? html`<br><span class="detail">${f.detail}</span>` : ''}</li>`,
  );
  return html`<ul class="plain findings-list">${items}</ul>`;
}

/** One `<template>` per node: facts, connections, controls pointing here, findings; the script clones it into the side panel. */
export function renderNodePanels(index: MapIndex, facts: readonly NodeFacts[]): SafeHtml {
  const touching = new Map<string, LifecycleEdge[]>();
  for (const edge of index.edges) {
    for (const id of new Set([edge.from, edge.to])) {
      const list = touching.get(id);
      if (list) list.push(edge);
      else touching.set(id, [edge]);
    }
  }
  return joinHtml(
    index.nodes.map((node, i) => {
      const fact = facts[i];
      const parts: SafeHtml[] = [];
      parts.push(html`<h2 class="panel-title" tabindex="-1">${fullNameOf(node)}</h2>`);
      parts.push(html`<p class="muted">${kindWords[node.kind] ?? node.kind} · ${stageTitles[node.stage] ?? node.stage} stage</p>`);
      parts.push(html`<p class="path-note">Its path through the lifecycle is highlighted on the map.</p>`);

      const rows = factRows(node);
      if (rows.length) parts.push(html`<h3>Facts</h3><dl class="facts">${rows.map((row) => html`<dt>${row.term}</dt><dd>${row.text}</dd>`)}</dl>`);
      if (node.evidence.length) parts.push(html`<h3>Read from</h3><ul class="plain">${node.evidence.map((e) => html`<li><code>${e}</code></li>`)}</ul>`);

      const links = (touching.get(node.id) ?? []).flatMap((edge) => {
        if (edge.from === node.id)
          return [
            html`<li><span class="muted">this</span> ${edgeWords[edge.kind] ?? edge.kind} ${nodeButton(index, edge.to)}${edgeNote(edge.attributes)}</li>`,
          ];
        if (edge.to === node.id)
          return [
            html`<li>${nodeButton(index, edge.from)} ${edgeWords[edge.kind] ?? edge.kind} <span class="muted">this</span>${edgeNote(edge.attributes)}</li>`,
          ];
        return [];
      });
      if (links.length) parts.push(html`<h3>Connections</h3><ul class="plain">${links}</ul>`);

      if (fact?.controls.length) {
        const items = fact.controls.map(({ result, evidence, changes }) => {
          const ev = evidence.map(
            (e) =>
              html`<li class="${e.ok ? 'ok' : 'bad'}"><span aria-hidden="true">${e.ok ? '✓' : '✗'}</span><span class="sr-only">${e.ok ? 'met here:' : 'gap here:'}</span> ${e.text}${e.where ? html` <code>${e.where}</code>` : ''}</li>`,
          );
          const ch = changes.map(changeItem);
          return html`<li class="control-item">${statusBadge(result.status)} <strong>${result.control.id}</strong> ${result.control.title}<br><span class="muted">${result.summary}</span>${ev.length ? html`<ul class="plain evidence">${ev}</ul>` : ''}${ch.length ? html`<p class="small-head">Proposed</p><ul class="plain changes">${ch}</ul>` : ''}</li>`;
        });
        parts.push(html`<h3>Controls (${plural(fact.gapCount, 'gap')} marked)</h3><ul class="plain">${items}</ul>`);
      }
      if (fact?.breaks.length) {
        parts.push(
          html`<h3>Lifecycle breaks</h3><ul class="plain">${fact.breaks.map((b) => html`<li>${severityBadge(b.severity)} <strong>${b.ruleId}</strong> ${b.title}<br><span class="muted">${b.message}</span></li>`)}</ul>`,
        );
      }
      if (fact?.unknowns.length) {
        parts.push(
          html`<h3>Unresolved</h3><ul class="plain">${fact.unknowns.map((u) => html`<li><code>${u.value}</code> at <code>${u.where}</code>: ${u.reason}</li>`)}</ul>`,
        );
      }
      parts.push(
        fact?.findings.length
          ? html`<h3>Findings (${fact.findings.length})</h3>${findingList(fact.findings)}`
          : html`<h3>Findings</h3><p class="muted">None on this node.</p>`,
      );
      return html`<template id="panel-n${i}">${parts}</template>`;
    }),
    html`\n`,
  );
}

/** What an edge says about itself, in words: `tag 1.4, at payments-api/Dockerfile:2`. */
const edgeNoteWords: Record<string, string> = { tag: 'tag', digest: 'digest', where: 'at', stage: 'build stage' };

function edgeNote(attributes: Record<string, unknown>): SafeHtml {
  const notes = Object.keys(edgeNoteWords)
    .filter((k) => typeof attributes[k] === 'string' || typeof attributes[k] === 'number')
    .map((k) => `${edgeNoteWords[k] ?? k} ${formatValue(attributes[k])}`);
  if (attributes['certain'] === false) notes.push('not certain');
  return notes.length ? html` <span class="muted">(${notes.join(', ')})</span>` : html``;
}

/** Where a stage panel sends the reader for its phase's controls: the report's own table, or the dashboard's gaps. */
export type PhaseLink = (phase: Phase) => { href: string; text: string };

const reportPhaseLink: PhaseLink = (phase) => ({ href: `#phase-${phase}`, text: `${phaseTitles[phase]} controls` });

/** One `<template>` per stage: its nodes (as buttons), the gaps and findings on them, and a link to the phase's controls. */
export function renderStagePanels(index: MapIndex, facts: readonly NodeFacts[], phaseLink: PhaseLink = reportPhaseLink): SafeHtml {
  return joinHtml(
    stageOrder.map((stage) => {
      const members = index.nodes.flatMap((node, i) => (node.stage === stage ? [{ node, i, fact: facts[i] }] : []));
      const phase = phaseOfStage[stage];
      const parts = [html`<h2 class="panel-title" tabindex="-1">${stageTitles[stage]} stage</h2>`];
      const link = phaseLink(phase);
      parts.push(html`<p class="muted">Assessed in the <a href="${link.href}">${link.text}</a>.</p>`);
      if (!members.length) {
        parts.push(html`<p>Nothing was read for this stage: add its sources to the estate configuration to assess it.</p>`);
      } else {
        const gaps = members.reduce((sum, m) => sum + (m.fact?.gapCount ?? 0), 0);
        const findings = members.reduce((sum, m) => sum + (m.fact?.findings.length ?? 0), 0);
        parts.push(html`<p>${plural(members.length, 'node')}, ${plural(gaps, 'gap')} marked, ${plural(findings, 'finding')}.</p>`);
        const items = members.map(
          ({ node, i, fact }) =>
            html`<li><button type="button" class="link to-node" data-node="${i}">${fullNameOf(node)}</button> <span class="muted">${kindWords[node.kind] ?? node.kind}${fact?.gapCount ? `, ${plural(fact.gapCount, 'gap')}` : ''}${fact?.findings.length ? `, ${plural(fact.findings.length, 'finding')}` : ''}</span></li>`,
        );
        parts.push(html`<h3>Nodes</h3><ul class="plain">${items}</ul>`);
        const controls = new Map<string, SafeHtml>();
        for (const m of members)
          for (const c of m.fact?.controls ?? [])
            if (c.gap)
              controls.set(
                c.result.control.id,
                html`<li>${statusBadge(c.result.status)} <strong>${c.result.control.id}</strong> ${c.result.control.title}</li>`,
              );
        if (controls.size)
          parts.push(html`<h3>Gaps here</h3><ul class="plain">${[...controls.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, item]) => item)}</ul>`);
      }
      return html`<template id="panel-stage-${stage}">${parts}</template>`;
    }),
    html`\n`,
  );
}
