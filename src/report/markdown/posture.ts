import type { ControlResult, ControlStatus } from '../../lifecycle/posture/model.js';
import { changePlace, isManualChange, phaseOrder, phaseTitles, scoreText, statusLabels } from '../html/format.js';
import type { ReportFinding, ReportInput } from '../html/input.js';
import type { LifecycleEdgeKind } from '../../lifecycle/model.js';
import { indexMap, stageIndex, stageOrder, stageTitles } from '../html/map-index.js';
import { bySeverity, nodeFactsOf } from '../html/node-facts.js';
import { mdCell, mdCode, mdFence, mdLine, mdText, mermaidLabel } from './escape.js';
import { pushAll } from '../../core/collections.js';

/** Past this, the Mermaid block keeps the first nodes only (renderers give up on very large graphs). */
export const mermaidNodeLimit = 150;
export const topFindingsLimit = 20;

const statusRank: Record<ControlStatus, number> = { gap: 0, partial: 1, unknown: 2, accepted: 3, met: 4 };

/**
 * The posture report for a pull request or a wiki: summary, scores, gaps with their proposed
 * changes (a fenced `diff` of each patch, else the snippet; `manual:` where there is nothing to
 * apply), the lifecycle map as a Mermaid flowchart, and the top findings. All input text is
 * escaped for Markdown; the output depends on the input only.
 */
export function renderMarkdownReport(input: ReportInput): string {
  const { posture } = input;
  const out: string[] = [];
  out.push(
    `# ${mdText(input.title)}`,
    '',
    `Generated ${mdText(input.generatedAt)} by Shipshape ${mdText(input.toolVersion)}${input.map.inputs.config ? ` from config ${mdCode(input.map.inputs.config)}` : ' (no config file read)'}${posture.policy ? ` with policy ${mdCode(posture.policy)}` : ''}.`,
    '',
  );
  out.push('## Summary', '', `**Overall posture: ${scoreText(posture.overall)}**`, '', mdLine(posture.summary), '');
  const unscanned = input.map.inputs.unscannedRegistries;
  if (unscanned.length > 0)
    out.push(`**Not assessed — registries that could not be scanned:** ${unscanned.map((r) => `${mdCode(r.registry)} (${mdText(r.reason)})`).join('; ')}.`, '');

  out.push('## Scores', '', '| Phase | Score | Met | Partial | Gap | Unknown | Accepted |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const phase of phaseOrder) {
    const score = posture.phases.find((p) => p.phase === phase);
    if (!score) {
      out.push(`| ${phaseTitles[phase]} | — | | | | | |`);
      continue;
    }
    const c = score.counts;
    out.push(`| ${phaseTitles[phase]} | ${score.score ?? 'not assessed'} | ${c.met} | ${c.partial} | ${c.gap} | ${c.unknown} | ${c.accepted} |`);
  }
  out.push(`| **Overall** | **${posture.overall ?? 'not assessed'}** | | | | | |`, '');

  pushAll(out, gapsSection(posture.controls));
  pushAll(out, mapSection(input));
  pushAll(out, findingsSection(input.findings));
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function gapsSection(controls: readonly ControlResult[]): string[] {
  const byPhase = (a: ControlResult, b: ControlResult): number =>
    phaseOrder.indexOf(a.control.phase) - phaseOrder.indexOf(b.control.phase) ||
    statusRank[a.status] - statusRank[b.status] ||
    b.control.weight - a.control.weight ||
    (a.control.id < b.control.id ? -1 : a.control.id > b.control.id ? 1 : 0);
  const weak = controls.filter((c) => c.status === 'gap' || c.status === 'partial').sort(byPhase);
  const out = ['## Gaps and proposed changes', ''];
  if (!weak.length) out.push('No control is at gap or partial.', '');
  for (const result of weak) {
    const label = statusLabels[result.status];
    out.push(
      `### ${label.symbol} ${mdText(result.control.id)} — ${mdText(result.control.title)} (${label.word.toLowerCase()}, ${phaseTitles[result.control.phase].toLowerCase()})`,
      '',
    );
    out.push(mdLine(result.summary), '');
    const gaps = result.evidence.filter((e) => !e.ok);
    if (gaps.length) {
      out.push('Evidence:', '');
      for (const e of gaps) out.push(`- ${mdLine(e.text)}${e.where ? ` — ${mdCode(e.where)}` : ''}`);
      out.push('');
    }
    for (const change of result.changes) {
      const place = changePlace(change);
      const rules = change.rules?.length ? ` (clears ${change.rules.map((rule) => mdCode(rule)).join(', ')})` : '';
      out.push(`**Proposed:** ${isManualChange(change) ? 'manual: ' : ''}${mdText(change.summary)}${place ? ` — ${mdCode(place)}` : ''}${rules}`, '');
      // the patch holds the snippet's lines, where they go and what they replace
      if (change.patch) out.push(mdFence(change.patch, 'diff'), '');
      else if (change.snippet) out.push(mdFence(change.snippet, languageOf(change.file)), '');
    }
  }
  const accepted = controls.filter((c) => c.status === 'accepted').sort(byPhase);
  if (accepted.length) {
    out.push('### Accepted exceptions', '');
    for (const c of accepted) {
      const until = c.acceptance?.expires ? ` (until ${mdText(c.acceptance.expires)})` : '';
      out.push(`- ${mdLine(c.control.id)} ${mdText(c.control.title)}: ${mdText(c.acceptance?.reason ?? c.summary)}${until}`);
    }
    out.push('');
  }
  const unknown = controls.filter((c) => c.status === 'unknown').sort(byPhase);
  if (unknown.length) {
    out.push('### Not assessed', '');
    for (const c of unknown) out.push(`- ${mdLine(c.control.id)} ${mdText(c.control.title)}: ${mdText(c.summary)}`);
    out.push('');
  }
  return out;
}

/** A fence's info string from the file a snippet goes into (commands are shell). */
function languageOf(file: string | undefined): string {
  if (file === undefined) return 'sh';
  const base = file.split('/').pop() ?? file;
  if (/^Dockerfile|\.dockerfile$|^Containerfile/i.test(base)) return 'dockerfile';
  if (/\.ya?ml$/i.test(base)) return 'yaml';
  if (/^Jenkinsfile|\.groovy$/i.test(base)) return 'groovy';
  if (/\.json$/i.test(base)) return 'json';
  if (/\.(sh|bash)$/i.test(base)) return 'sh';
  return '';
}

const inverseWords: Partial<Record<LifecycleEdgeKind, string>> = {
  'based-on': 'parent of',
  'pulled-from': 'pulled by',
  'stored-in': 'holds',
  'copied-from': 'copied to',
  'pushes-to': 'pushed by',
  builds: 'built by',
  contains: 'in',
  uses: 'used by',
  runs: 'run by',
  'hosted-on': 'hosts',
};

function mapSection(input: ReportInput): string[] {
  const index = indexMap(input.map);
  const facts = nodeFactsOf(input, index);
  const shown = index.nodes.slice(0, mermaidNodeLimit);
  const out = ['## Lifecycle map', ''];
  if (!shown.length) return [...out, 'The map is empty: nothing was read.', ''];
  const lines = ['flowchart LR'];
  for (const stage of stageOrder) {
    const members = shown.flatMap((node, i) => (node.stage === stage ? [`    n${i}["${mermaidLabel(node.label)}"]`] : []));
    if (!members.length) continue;
    pushAll(lines, [`  subgraph s_${stage.replace(/-/g, '_')}["${mermaidLabel(stageTitles[stage])}"]`, ...members, '  end']);
  }
  for (const edge of index.edges) {
    const from = index.indexOf.get(edge.from) ?? mermaidNodeLimit;
    const to = index.indexOf.get(edge.to) ?? mermaidNodeLimit;
    const [a, b] = [shown[from], shown[to]];
    if (!a || !b) continue;
    // arrows run left to right like the stages; an edge stated the other way is drawn with its inverse wording
    if (stageIndex(a.stage) > stageIndex(b.stage)) lines.push(`  n${to} -->|${mermaidLabel(inverseWords[edge.kind] ?? `${edge.kind} (from)`)}| n${from}`);
    else lines.push(`  n${from} -->|${mermaidLabel(edge.kind)}| n${to}`);
  }
  const gapNodes = shown.flatMap((_, i) => ((facts[i]?.gapCount ?? 0) > 0 ? [`n${i}`] : []));
  if (gapNodes.length) lines.push('  classDef gap stroke:#cf222e,stroke-width:3px', `  class ${gapNodes.join(',')} gap`);
  out.push(mdFence(lines.join('\n'), 'mermaid'), '');
  if (gapNodes.length) out.push(`Nodes outlined in red have gaps (${gapNodes.length}).`, '');
  if (index.nodes.length > shown.length)
    out.push(`${index.nodes.length - shown.length} more nodes are left out of this diagram; the HTML report has the whole map.`, '');
  return out;
}

const categoryWords: Record<ReportFinding['category'], [string, string]> = {
  vulnerability: ['vulnerability', 'vulnerabilities'],
  secret: ['secret', 'secrets'],
  misconfiguration: ['misconfiguration', 'misconfigurations'],
  lifecycle: ['lifecycle break', 'lifecycle breaks'],
};

function findingsSection(findings: readonly ReportFinding[]): string[] {
  const out = ['## Top findings', ''];
  if (!findings.length) return [...out, 'No findings.', ''];
  const counts = (Object.keys(categoryWords) as ReportFinding['category'][]).map((category) => {
    const n = findings.filter((f) => f.category === category).length;
    const [one, many] = categoryWords[category];
    return `${n} ${n === 1 ? one : many}`;
  });
  out.push(`${findings.length} findings: ${counts.join(', ')}.`, '');
  out.push('| Severity | Id | Title | Where | Phase |', '|---|---|---|---|---|');
  const top = [...findings].sort(bySeverity).slice(0, topFindingsLimit);
  for (const f of top) {
    const title = f.detail ? `${f.title}\n${f.detail}` : f.title;
    out.push(`| ${f.severity} | ${mdCode(f.id, true)} | ${mdCell(title)} | ${mdCode(f.where, true)} | ${phaseTitles[f.phase] ?? mdCell(f.phase)} |`);
  }
  if (findings.length > top.length) out.push('', `${findings.length - top.length} more in the HTML report.`);
  out.push('');
  return out;
}
