import type { RegistryScanReport, RepositoryReport } from '../distribute/model.js';
import { fingerprintOf } from '../rules/fingerprint.js';
import type { RuleMeta } from '../rules/rule.js';
import { locationOf } from './graph.js';
import { isStored, isTagged, repositoryEvidence, sameImage } from './map-run.js';
import type { LifecycleEdge, LifecycleFinding, LifecycleNode } from './model.js';
import { pushAll } from '../core/collections.js';

/**
 * Breaks in the lifecycle chain (SS-MAP-NNN): what the map shows is missing or inconsistent between
 * build, registry and run. Whether a pipeline gates its pushes on a scan is judged by the posture
 * assessment, not here.
 */

const nist = 'NIST SP 800-190';

const unknownProvenance: RuleMeta = {
  id: 'SS-MAP-001',
  title: 'Running image of unknown provenance',
  severity: 'MEDIUM',
  rationale:
    'A workload runs an image from a private registry that no known pipeline builds or pushes: nobody can say from which source, Dockerfile and parent image it was made, so neither its contents nor a fix can be traced.',
  remediation:
    'Build the image in a pipeline from a Dockerfile under version control (and add that repository to the sources), or stop running it; record provenance (SLSA) so the registry can prove where each image came from.',
  references: [`${nist} 4.1.5 (use of untrusted images)`, `${nist} 4.2.3`, 'SLSA v1.0 Build L1: provenance exists', 'https://slsa.dev/spec/v1.0/levels'],
};

const publicRegistryInProduction: RuleMeta = {
  id: 'SS-MAP-002',
  title: 'Workload pulls from a public registry straight into production',
  severity: 'MEDIUM',
  rationale:
    'The image comes from a public registry (Docker Hub, GHCR, Quay…) with no internal build or mirror in between: it is not scanned or approved before it runs, the tag can be repointed upstream at any time, and pulls depend on a third party being up and not rate-limiting.',
  remediation:
    'Mirror the image into the internal registry through a pipeline that scans (and signs) it, pin it by digest, and let workloads pull only from the internal registry (an admission policy on allowed registries).',
  references: [`${nist} 4.1.5 (use of untrusted images)`, `${nist} 4.3.5`, 'CIS Docker Benchmark 4.2', 'https://slsa.dev/spec/v1.0/threats'],
};

const pushedNotRun: RuleMeta = {
  id: 'SS-MAP-003',
  title: 'Pipeline pushes an image that no workload runs',
  severity: 'LOW',
  rationale:
    'A pipeline keeps publishing an image that nothing in the estate runs: it accumulates stale, unpatched images in the registry that someone may still pull, and it hides what is really deployed.',
  remediation: 'Stop building it, or add the manifests or cluster that run it to the estate; prune stale tags from the registry.',
  references: [`${nist} 4.2.2 (stale images in registries)`],
};

const parentNotPinned: RuleMeta = {
  id: 'SS-MAP-004',
  title: 'Parent image not pinned by digest',
  severity: 'MEDIUM',
  rationale:
    'A FROM names its parent image by tag only: the tag can move, so two builds of the same commit can start from different images, and a compromised or broken upstream push flows into the next build unnoticed.',
  remediation: 'Write FROM image:tag@sha256:<digest> and let a bot (Renovate, Dependabot) update the digest through reviewed pull requests.',
  references: [
    `${nist} 4.1.5 (use of untrusted images)`,
    'SLSA v1.0: build inputs are pinned (https://slsa.dev/spec/v1.0/requirements)',
    'CIS Docker Benchmark 4.2',
  ],
};

const runtimeDrift: RuleMeta = {
  id: 'SS-MAP-005',
  title: 'Running image differs from the registry',
  severity: 'MEDIUM',
  rationale:
    'What runs is not what the registry holds under that name: the tag has moved since the pods started, or the digest they run is not in the registry at all (deleted, or pulled from somewhere else). Scans of the registry then say nothing about what runs.',
  remediation:
    'Deploy by digest from the registry, roll the workload to the digest the tag points at now, and keep the digests that run (registry retention rules must not delete them).',
  references: [`${nist} 4.2.2 (stale images in registries)`, `${nist} 4.3.5`, `${nist} 4.4.5`],
};

/** Every SS-MAP rule, in id order. */
export const lifecycleRules: readonly RuleMeta[] = [unknownProvenance, publicRegistryInProduction, pushedNotRun, parentNotPinned, runtimeDrift];

export interface FindingInput {
  nodes: ReadonlyMap<string, LifecycleNode>;
  edges: readonly LifecycleEdge[];
  registries: readonly RegistryScanReport[];
  /** Source roots were read: without them every running image would look of unknown provenance. */
  haveBuild: boolean;
  /** Manifests or a cluster were read: without them every pushed image would look unused. */
  haveRun: boolean;
}

/** The SS-MAP findings of a finished graph, sorted by rule id, then location. */
export function lifecycleFindings(input: FindingInput): LifecycleFinding[] {
  const findings: LifecycleFinding[] = [];
  const into = (edgeKind: string, to: string): LifecycleEdge[] => input.edges.filter((e) => e.kind === edgeKind && e.to === to);
  for (const edge of input.edges) {
    if (edge.kind === 'pulled-from') pushAll(findings, pullFindings(input, edge, into));
    if (edge.kind === 'based-on' && edge.attributes.digest === undefined) {
      const image = input.nodes.get(edge.to);
      findings.push(
        finding(
          parentNotPinned,
          `${edge.from.replace(/^dockerfile:/, '')} stage ${String(edge.attributes.stage)} starts FROM ${image?.label ?? edge.to}${edge.attributes.tag ? `:${String(edge.attributes.tag)}` : ''} without a digest`,
          edge.attributes.where,
          [edge.from, edge.to],
          [String(edge.attributes.stage)],
        ),
      );
    }
  }
  if (input.haveRun) {
    for (const node of input.nodes.values()) {
      if (node.kind !== 'image' || node.attributes.role !== 'built') continue;
      const pushes = into('pushes-to', node.id);
      // Promoted elsewhere (retagged into another repository) counts as used.
      if (pushes.length === 0 || into('pulled-from', node.id).length > 0 || into('copied-from', node.id).length > 0) continue;
      const pipelines = [...new Set(pushes.map((e) => e.from))];
      const message = `${node.label} is pushed by ${pipelines.map((p) => p.replace(/^pipeline:/, '')).join(', ')} but no workload runs it`;
      findings.push(finding(pushedNotRun, message, pushes[0]?.attributes.where, [...pipelines, node.id], []));
    }
  }
  return findings.sort(
    (a, b) =>
      a.ruleId.localeCompare(b.ruleId) ||
      (a.location.file ?? '').localeCompare(b.location.file ?? '') ||
      (a.location.startLine ?? 0) - (b.location.startLine ?? 0) ||
      a.message.localeCompare(b.message),
  );
}

function pullFindings(input: FindingInput, edge: LifecycleEdge, into: (kind: string, to: string) => LifecycleEdge[]): LifecycleFinding[] {
  const image = input.nodes.get(edge.to);
  if (image === undefined) return [];
  const workload = input.nodes.get(edge.from)?.label ?? edge.from;
  const container = edge.attributes.container === undefined ? '' : ` (container ${String(edge.attributes.container)})`;
  const ref = `${image.label}${edge.attributes.tag ? `:${String(edge.attributes.tag)}` : ''}${edge.attributes.digest ? `@${String(edge.attributes.digest)}` : ''}`;
  const nodes = [edge.from, edge.to];
  const detail = [String(edge.attributes.container ?? '')];
  const findings: LifecycleFinding[] = [];
  const built = into('builds', image.id).length > 0 || into('pushes-to', image.id).length > 0;
  if (image.attributes.public === true) {
    if (image.attributes.role === 'run-only')
      findings.push(
        finding(
          publicRegistryInProduction,
          `${workload}${container} runs ${ref} straight from the public registry ${String(image.attributes.registry)}`,
          edge.attributes.where,
          nodes,
          detail,
        ),
      );
  } else if (input.haveBuild && !built) {
    findings.push(
      finding(unknownProvenance, `${workload}${container} runs ${ref}, which no known pipeline builds or pushes`, edge.attributes.where, nodes, detail),
    );
  }
  pushAll(findings, driftFindings(input, edge, image, `${workload}${container}`, nodes, detail));
  return findings;
}

/** The digest a workload pins or its pods run, against what its registry scan says. */
function driftFindings(input: FindingInput, edge: LifecycleEdge, image: LifecycleNode, who: string, nodes: string[], detail: string[]): LifecycleFinding[] {
  const evidence = repositoryEvidence(input.registries, String(image.attributes.registry), String(image.attributes.repository));
  if (evidence === undefined) return [];
  const pinned = typeof edge.attributes.digest === 'string' ? edge.attributes.digest : undefined;
  const runningAttr = edge.attributes.runningDigests;
  const running = Array.isArray(runningAttr) ? runningAttr.filter((d): d is string => typeof d === 'string') : [];
  const digests = running.length > 0 ? running : pinned === undefined ? [] : [pinned];
  const tag = typeof edge.attributes.tag === 'string' ? edge.attributes.tag : undefined;
  const repository = evidence.repository;
  const scan = `the scan of ${evidence.report.registry} at ${evidence.report.scannedAt}`;
  const findings: LifecycleFinding[] = [];
  for (const digest of digests) {
    const what = running.length > 0 ? `pods of ${who} run` : `${who} pins`;
    if (repository === undefined || !isStored(repository, digest)) {
      // a scan lists what tags point at: an untagged manifest may still be stored, so say what is known
      const where = repository === undefined ? 'which is not in the registry' : `which no tag in the registry points at (${tagList(repository)})`;
      findings.push(
        finding(runtimeDrift, `${what} ${image.label}@${digest}, ${where} (${scan})`, edge.attributes.where, nodes, [...detail, digest, 'missing']),
      );
      continue;
    }
    const tagged = tag === undefined ? undefined : repository.tags.find((t) => t.tag === tag);
    if (tagged !== undefined && !sameImage(repository, tagged.digest, digest)) {
      findings.push(
        finding(runtimeDrift, `${what} ${image.label}@${digest}, but the tag ${tag} now points at ${tagged.digest} (${scan})`, edge.attributes.where, nodes, [
          ...detail,
          digest,
          tagged.digest,
        ]),
      );
    } else if (!isTagged(repository, digest)) {
      findings.push(
        finding(
          runtimeDrift,
          `${what} ${image.label}@${digest}, which the registry still holds but no tag points at any more (${tagList(repository)}) (${scan})`,
          edge.attributes.where,
          nodes,
          [...detail, digest, 'untagged'],
        ),
      );
    }
  }
  return findings;
}

/** `2.3.1 → sha256:dbf2cd808974…, latest → …` */
function tagList(repository: RepositoryReport): string {
  return repository.tags.map((t) => `${t.tag} → ${t.digest.slice(0, 19)}…`).join(', ') || 'no tags';
}

function finding(rule: RuleMeta, message: string, where: unknown, nodes: string[], detail: string[]): LifecycleFinding {
  const location = locationOf(where);
  return {
    ruleId: rule.id,
    title: rule.title,
    severity: rule.severity,
    message,
    location: location === undefined ? {} : { file: location.file, startLine: location.startLine },
    // No line: the finding keeps its fingerprint when lines above it move.
    fingerprint: fingerprintOf(rule.id, ...nodes, ...detail),
    nodes,
  };
}
