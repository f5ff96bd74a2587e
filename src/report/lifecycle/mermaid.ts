import type { LifecycleMap } from '../../lifecycle/model.js';
import { breaksByNode, isBrokenLink, linksOf, stageTitles } from './labels.js';

/**
 * The map as a Mermaid flowchart: left to right, one subgraph per stage, nodes under generated ids
 * (`n0`, `n1`… — map ids hold characters Mermaid reserves) with escaped labels. Nodes named by a
 * break are styled and marked with the rule ids, links between them drawn red; unknowns hang off
 * their node as dotted `?` nodes.
 */
export function mapMermaid(map: LifecycleMap): string {
  const ids = new Map(map.nodes.map((node, index) => [node.id, `n${index}`]));
  const breaks = breaksByNode(map);
  const lines = ['flowchart LR'];
  for (const [stage, title] of stageTitles) {
    const nodes = map.nodes.filter((n) => n.stage === stage);
    if (nodes.length === 0) continue;
    lines.push(`  subgraph stage_${stage.replace(/-/g, '_')}["${text(title)}"]`, '    direction TB');
    for (const node of nodes) {
      const rules = breaks.get(node.id);
      const label = `${node.kind}: ${node.label}${rules ? `<br/>⚠ ${rules.join(' ')}` : ''}`;
      lines.push(`    ${ids.get(node.id) ?? ''}${shape(node.kind, text(label, true))}`);
    }
    lines.push('  end');
  }
  // linkStyle addresses links by their order of appearance.
  const broken: number[] = [];
  let drawn = 0;
  for (const link of linksOf(map)) {
    const from = ids.get(link.from);
    const to = ids.get(link.to);
    if (from === undefined || to === undefined) continue;
    lines.push(`  ${from} -->|"${text(link.label)}"| ${to}`);
    if (isBrokenLink(map, link)) broken.push(drawn);
    drawn++;
  }
  map.unknowns.forEach((unknown, index) => {
    const from = ids.get(unknown.node);
    if (from === undefined) return;
    lines.push(`  u${index}{{"${text(`? ${unknown.value}`)}"}}`, `  ${from} -.-> u${index}`, `  class u${index} unknown`);
  });
  lines.push('  classDef broken fill:#fde8e8,stroke:#c81e1e,stroke-width:2px', '  classDef unknown fill:#f5f5f5,stroke:#999,stroke-dasharray:4 3');
  for (const id of breaks.keys()) {
    const short = ids.get(id);
    if (short !== undefined) lines.push(`  class ${short} broken`);
  }
  if (broken.length > 0) lines.push(`  linkStyle ${broken.join(',')} stroke:#c81e1e,stroke-width:2px`);
  return `${lines.join('\n')}\n`;
}

function shape(kind: string, label: string): string {
  switch (kind) {
    case 'image':
      return `(["${label}"])`;
    case 'registry':
      return `[("${label}")]`;
    case 'pipeline':
      return `[["${label}"]]`;
    case 'workload':
      return `("${label}")`;
    default:
      return `["${label}"]`;
  }
}

/** Mermaid label text: quotes and markup characters as entity codes (`<br/>` kept when asked). */
function text(value: string, keepBreaks = false): string {
  const escaped = value
    .replace(/&/g, '#amp;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/[{}[\]]/g, (c) => `#${c.charCodeAt(0)};`)
    .replace(/\r?\n/g, ' ');
  return keepBreaks ? escaped.replace(/#lt;br\/#gt;/g, '<br/>') : escaped;
}
