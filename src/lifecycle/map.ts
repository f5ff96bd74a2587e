import type { Diagnostic } from '../core/diagnostics.js';
import type { EstateEvidence } from './estate-model.js';
import { lifecycleFindings } from './findings.js';
import { GraphBuilder } from './graph.js';
import { addBuildPhase } from './map-build.js';
import { addHosts } from './map-host.js';
import { addRegistryReports, addRunPhase, addStoredImages, connectImagesToRegistries } from './map-run.js';
import type { LifecycleMap, LifecycleNodeKind } from './model.js';

type ImageRole = 'parent' | 'built' | 'both' | 'run-only' | 'stored-only';

const kindOrder: readonly LifecycleNodeKind[] = ['repository', 'pipeline', 'dockerfile', 'image', 'registry', 'cluster', 'workload', 'node', 'container'];

/**
 * Joins the estate's evidence into the lifecycle map: repositories and Dockerfiles (source),
 * pipelines (CI), parent images and their registries, the images pipelines build and push and the
 * registries storing them, clusters with their workloads and nodes; then the SS-MAP findings.
 * Anything the evidence does not resolve becomes a LifecycleUnknown — never a guessed edge.
 * `options.config`: the config file the estate was described by, named in the map's inputs.
 */
export function buildLifecycleMap(evidence: EstateEvidence, now: Date, options: { config?: string | undefined } = {}): LifecycleMap {
  const graph = new GraphBuilder();
  addBuildPhase(graph, evidence.build);
  addRegistryReports(graph, evidence.registries);
  if (evidence.run !== undefined) addRunPhase(graph, evidence.run, evidence.registries);
  addHosts(graph, evidence.hosts ?? []);
  addStoredImages(graph, evidence.registries);
  connectImagesToRegistries(graph, evidence.registries);
  assignRoles(graph);

  const nodes = [...graph.nodes.values()].sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || a.id.localeCompare(b.id));
  const findings = lifecycleFindings({
    nodes: graph.nodes,
    edges: graph.edges,
    registries: evidence.registries,
    haveBuild: evidence.build.sources.length > 0,
    haveRun: evidence.run !== undefined,
  });
  return {
    schema: 'shipshape/lifecycle-map@1',
    generatedAt: now.toISOString(),
    inputs: {
      sources: [...evidence.build.sources],
      registries: evidence.registries.map((r) => (r.prefix ? `${r.registry}/${r.prefix}` : r.registry)),
      unscannedRegistries: evidence.unscannedRegistries ?? [],
      workloads: evidence.run?.sources ?? [],
      config: options.config ?? null,
    },
    nodes,
    edges: graph.edges,
    findings,
    unknowns: graph.unknowns,
    diagnostics: diagnosticsOf(evidence),
  };
}

/**
 * Each image's role from its edges — parent (a FROM, or the source of a mirror copy), built (a build or
 * push), both, run-only (pulled by a workload), or stored-only (in a scanned registry, nothing known
 * builds, uses or runs it) — and its stage; a registry holding parents only is a parent registry.
 */
function assignRoles(graph: GraphBuilder): void {
  const roles = new Map<string, ImageRole>();
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'image') continue;
    const incoming = graph.edges.filter((e) => e.to === node.id);
    const built = incoming.some((e) => e.kind === 'builds' || e.kind === 'pushes-to');
    // The source of a mirror copy is a parent; the source of a promotion (a built image retagged) is not.
    const parent = incoming.some((e) => e.kind === 'based-on') || (!built && incoming.some((e) => e.kind === 'copied-from'));
    const run = incoming.some((e) => e.kind === 'pulled-from');
    const role: ImageRole = parent && built ? 'both' : parent ? 'parent' : built ? 'built' : run ? 'run-only' : 'stored-only';
    roles.set(node.id, role);
    node.attributes.role = role;
    node.attributes.pushed = incoming.some((e) => e.kind === 'pushes-to');
    node.stage = role === 'parent' ? 'parent-registry' : 'registry';
  }
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'registry') continue;
    const stored = graph.edges.filter((e) => e.kind === 'stored-in' && e.to === node.id).map((e) => roles.get(e.from));
    node.attributes.images = stored.length;
    node.stage = stored.length > 0 && stored.every((role) => role === 'parent') ? 'parent-registry' : 'registry';
  }
}

function diagnosticsOf(evidence: EstateEvidence): Diagnostic[] {
  return [
    ...(evidence.diagnostics ?? []),
    ...evidence.build.pipelines.flatMap((p) =>
      p.diagnostics.map((message): Diagnostic => ({ level: 'warning', code: 'ci.not-understood', message, where: p.file })),
    ),
    ...evidence.registries.flatMap((r) =>
      r.diagnostics.map((message): Diagnostic => ({ level: 'warning', code: 'registry.scan', message, where: r.registry })),
    ),
  ];
}
