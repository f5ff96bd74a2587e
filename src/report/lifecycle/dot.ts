import type { LifecycleMap } from '../../lifecycle/model.js';
import { breaksByNode, isBrokenLink, linksOf, stageTitles } from './labels.js';

/**
 * The map in Graphviz DOT: left to right, one cluster per stage, node ids quoted as they are in the
 * map. Nodes named by a break are red and carry the rule ids; links between them are red and bold;
 * unknowns hang off their node as dashed `?` notes.
 */
export function mapDot(map: LifecycleMap): string {
  const breaks = breaksByNode(map);
  const lines = [
    'digraph lifecycle {',
    '  rankdir=LR;',
    '  compound=true;',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const [stage, title] of stageTitles) {
    const nodes = map.nodes.filter((n) => n.stage === stage);
    if (nodes.length === 0) continue;
    lines.push(`  subgraph ${quote(`cluster_${stage}`)} {`, `    label=${quote(title)};`, '    style="rounded,dashed";', '    color="#888888";');
    for (const node of nodes) {
      const rules = breaks.get(node.id);
      const label = `${node.kind}\n${node.label}${rules ? `\n⚠ ${rules.join(' ')}` : ''}`;
      const style = rules ? ', color="#c81e1e", fillcolor="#fde8e8", penwidth=2' : '';
      lines.push(`    ${quote(node.id)} [label=${quote(label)}, shape=${shapeOf(node.kind)}${style}];`);
    }
    lines.push('  }');
  }
  const known = new Set(map.nodes.map((n) => n.id));
  for (const link of linksOf(map)) {
    if (!known.has(link.from) || !known.has(link.to)) continue;
    const style = isBrokenLink(map, link) ? ', color="#c81e1e", fontcolor="#c81e1e", penwidth=2' : '';
    lines.push(`  ${quote(link.from)} -> ${quote(link.to)} [label=${quote(link.label)}${style}];`);
  }
  map.unknowns.forEach((unknown, index) => {
    if (!known.has(unknown.node)) return;
    const id = `unknown:${index}`;
    lines.push(`  ${quote(id)} [label=${quote(`? ${unknown.value}\n${unknown.where}`)}, shape=note, style=dashed, color="#999999"];`);
    lines.push(`  ${quote(unknown.node)} -> ${quote(id)} [style=dotted, arrowhead=none, color="#999999"];`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function shapeOf(kind: string): string {
  switch (kind) {
    case 'registry':
      return 'cylinder';
    case 'pipeline':
      return 'component';
    case 'node':
      return 'box3d';
    case 'dockerfile':
      return 'note';
    default:
      return 'box';
  }
}

/** A DOT double-quoted string: backslashes and quotes escaped, newlines as `\n`. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}
