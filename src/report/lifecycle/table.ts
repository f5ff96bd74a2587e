import type { LifecycleEdge, LifecycleMap, LifecycleNode, Trace } from '../../lifecycle/model.js';
import { printable, renderTable, wrap } from '../table.js';

/**
 * The map as text: one row per container a workload runs, traced back to what pushed and built its
 * image and the parents it starts from; the images built but not run; the breaks; the unknowns.
 */
export function mapTable(map: LifecycleMap, width: number, color = false): string {
  const nodes = new Map(map.nodes.map((n) => [n.id, n]));
  const out: string[] = [summary(map, width), ''];
  const pulls = map.edges.filter((e) => e.kind === 'pulled-from');
  if (pulls.length > 0) {
    const rows = pulls.map((pull) => {
      const image = nodes.get(pull.to);
      return [
        `${short(pull.from)}${pull.attributes.container ? ` [${String(pull.attributes.container)}]` : ''}`,
        reference(image, pull),
        String(image?.attributes.role ?? ''),
        madeBy(map, pull.to).join(', ') || '-',
        parentsOf(map, pull.to).join(', ') || '-',
      ];
    });
    out.push('Running', renderTable(['WORKLOAD', 'IMAGE', 'ROLE', 'PUSHED/BUILT BY', 'FROM'], rows, { width, kinds: ['id', 'id', 'id', 'text', 'id'] }), '');
  }
  const unused = map.nodes.filter(
    (n) => n.kind === 'image' && n.attributes.role === 'built' && !map.edges.some((e) => e.kind === 'pulled-from' && e.to === n.id),
  );
  if (unused.length > 0) {
    const rows = unused.map((image) => [image.label, madeBy(map, image.id).join(', ') || '-', parentsOf(map, image.id).join(', ') || '-']);
    out.push('Built, not run', renderTable(['IMAGE', 'PUSHED/BUILT BY', 'FROM'], rows, { width, kinds: ['id', 'text', 'id'] }), '');
  }
  if (map.findings.length > 0) {
    const rows = map.findings.map((f) => [
      f.ruleId,
      f.severity,
      f.location.file ? `${f.location.file}${f.location.startLine ? `:${f.location.startLine}` : ''}` : '-',
      f.message,
    ]);
    out.push('Breaks', renderTable(['RULE', 'SEVERITY', 'WHERE', 'MESSAGE'], rows, { width, kinds: ['id', 'id', 'path', 'text'], color }), '');
  }
  if (map.unknowns.length > 0) {
    const rows = map.unknowns.map((u) => [short(u.node), u.where, u.value, u.reason]);
    out.push('Unknown (not guessed)', renderTable(['NODE', 'WHERE', 'VALUE', 'WHY'], rows, { width, kinds: ['id', 'path', 'id', 'text'] }), '');
  }
  if (map.diagnostics.length > 0) out.push(`${map.diagnostics.length} diagnostics (see --format json)`, '');
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** A trace as text: each upstream and downstream path hop by hop, then its breaks. */
export function traceTable(trace: Trace, width: number, color = false): string {
  const out = [`Trace of ${printable(trace.query, 'id')}: ${printable(trace.start.id, 'id')}`, ''];
  for (const [title, paths] of [
    ['Upstream (where it comes from)', trace.upstream],
    ['Downstream (what depends on it)', trace.downstream],
  ] as const) {
    if (paths.length === 0) {
      out.push(`${title}: none`, '');
      continue;
    }
    const rows = paths.flatMap((path, index) =>
      path.map((hop, step) => [
        step === 0 ? String(index + 1) : '',
        hop.via?.kind ?? '',
        hop.node.kind,
        hop.node.label + detail(hop.via),
        String(hop.via?.attributes.where ?? ''),
      ]),
    );
    out.push(title, renderTable(['PATH', 'VIA', 'KIND', 'NODE', 'WHERE'], rows, { width, kinds: ['id', 'id', 'id', 'id', 'path'] }), '');
  }
  if (trace.breaks.length > 0) {
    const rows = trace.breaks.map((f) => [f.ruleId, f.severity, f.message]);
    out.push('Breaks', renderTable(['RULE', 'SEVERITY', 'MESSAGE'], rows, { width, color }), '');
  } else {
    out.push('Breaks: none', '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function summary(map: LifecycleMap, width: number): string {
  const count = (kind: LifecycleNode['kind']): number => map.nodes.filter((n) => n.kind === kind).length;
  // wrapped, not cut: every count stays
  return wrap(
    `Lifecycle map: ${count('repository')} repositories, ${count('pipeline')} pipelines, ${count('dockerfile')} Dockerfiles, ${count('image')} images in ${count('registry')} registries, ${count('workload')} workloads on ${count('cluster')} clusters, ${count('node')} nodes; ${map.findings.length} breaks, ${map.unknowns.length} unknowns`,
    Math.max(40, width),
  )
    .concat(map.inputs.unscannedRegistries.map((r) => `Not scanned: ${printable(r.registry)} (${printable(r.reason)}): what it stores is not on the map`))
    .join('\n');
}

/** `workload:prod/Deployment/api` → `prod/Deployment/api`. */
function short(id: string): string {
  return id.replace(/^[a-z]+:/, '');
}

function reference(image: LifecycleNode | undefined, edge: LifecycleEdge): string {
  const tag = typeof edge.attributes.tag === 'string' ? `:${edge.attributes.tag}` : '';
  return `${image?.label ?? short(edge.to)}${tag}${digestSuffix(edge)}`;
}

/** `@sha256:` and the first 12 hex digits: the digest abbreviated as image tables do, never dropped. */
function digestSuffix(edge: LifecycleEdge): string {
  const digest = edge.attributes.digest;
  return typeof digest === 'string' && digest ? `@${digest.slice(0, 19)}…` : '';
}

function detail(edge: LifecycleEdge | undefined): string {
  const tag = edge?.attributes.tag;
  return typeof tag === 'string' && edge?.kind !== 'contains' ? ` (${tag})` : '';
}

/** The pipelines pushing an image, else what builds it, else `copy of X`. */
function madeBy(map: LifecycleMap, image: string): string[] {
  const pushers = [...new Set(map.edges.filter((e) => e.kind === 'pushes-to' && e.to === image).map((e) => short(e.from)))];
  const builders = [...new Set(map.edges.filter((e) => e.kind === 'builds' && e.to === image).map((e) => short(e.from)))];
  const copies = [...new Set(map.edges.filter((e) => e.kind === 'copied-from' && e.from === image).map((e) => `copy of ${short(e.to)}`))];
  return [...pushers, ...builders.filter((b) => !pushers.includes(b)), ...copies];
}

/** The parent images of the Dockerfiles that build an image (final stage first). */
function parentsOf(map: LifecycleMap, image: string): string[] {
  const dockerfiles = new Set(map.edges.filter((e) => e.kind === 'builds' && e.to === image && e.from.startsWith('dockerfile:')).map((e) => e.from));
  const parents = map.edges
    .filter((e) => e.kind === 'based-on' && dockerfiles.has(e.from))
    .sort((a, b) => Number(b.attributes.finalStage === true) - Number(a.attributes.finalStage === true))
    .map((e) => `${short(e.to)}${typeof e.attributes.tag === 'string' ? `:${e.attributes.tag}` : ''}${digestSuffix(e)}`);
  return [...new Set(parents)];
}
