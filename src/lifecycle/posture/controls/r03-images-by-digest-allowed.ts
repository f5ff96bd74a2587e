import { isRecord } from '../../../core/records.js';
import type { WorkloadImage } from '../../../runtime/manifests/images.js';
import type { K8sObject } from '../../../runtime/manifests/load.js';
import { podTemplateOf } from '../../../runtime/manifests/pods.js';
import type { RunEvidence } from '../../estate-model.js';
import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { digestCommand, findStored, parseImage, registryTrust } from '../support/images.js';
import { pinEdits, systemNamespaces } from '../support/k8s.js';
import { clearedRules } from '../support/manifest-edits.js';
import { yamlScalar } from '../support/quote.js';
import type { Check, ControlContext, PostureControl } from './control.js';
import { at, change, check, outcomeOf, unknown } from './control.js';

/** SS-CTL-R03: workloads pull their images by digest, from allowed registries. */
export const imagesByDigestFromAllowed: PostureControl = {
  meta: {
    id: 'SS-CTL-R03',
    phase: 'run',
    title: 'Workloads pull images by digest from allowed registries',
    objective: 'Every container names its image by digest, from a registry the policy allows, so what runs is exactly what was built and checked.',
    evaluation:
      'Per container image (system namespaces aside): by digest from a trusted registry is met; one of the two is partial; neither, or a registry outside allowedRegistries, is a gap. A compose service pulling latest or no tag (SS-CMP-013) is a gap.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.1.5', title: 'Use of untrusted images' },
      { framework: 'NIST SP 800-190', id: '4.2.2', title: 'Stale images in registries' },
    ],
    weight: 1,
  },
  evaluate(context) {
    const { run } = context.evidence;
    if (run === undefined) return unknown('no workloads were read (no manifests, no cluster)');
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const image of run.images) {
      const namespace = image.namespace ?? 'default';
      if (systemNamespaces.has(namespace)) continue;
      const label = `${namespace}/${image.kind}/${image.workload ?? '(unnamed)'}${image.container ? ` container ${image.container}` : ''}`;
      const place = at(image.file, image.line);
      const workloadNode = nodeId.workload(namespace, image.kind, image.workload ?? '(unnamed)');
      if (image.registry === undefined || image.repository === undefined) {
        checks.push(
          check(
            'gap',
            `${label}: image ${JSON.stringify(image.image)} cannot be read (${image.parseError ?? 'invalid'})`,
            place,
            onMap(context.map, [workloadNode]),
          ),
        );
        const templated = /\$\{|\$\(|\{\{/.test(image.image);
        changes.push(
          change(
            templated
              ? `${label}: ${image.image} is filled in at deploy time (envsubst, Helm, kustomize): pin the value it is given by digest, where the deployment sets it (${place})`
              : `${label}: write a valid image reference, by digest, at ${place}`,
            { file: image.file, line: image.line, snippet: undefined, nodes: onMap(context.map, [workloadNode]) },
          ),
        );
        continue;
      }
      const nodes = onMap(context.map, [workloadNode, nodeId.image(image.registry, image.repository)]);
      const trust = registryTrust(context.policy, context.evidence, image.registry, image.repository);
      const pinned = image.digest !== undefined;
      const denied = !trust.trusted && context.policy.allowedRegistries.length > 0;
      const verdict = denied ? 'gap' : trust.trusted && pinned ? 'met' : trust.trusted || pinned ? 'partial' : 'gap';
      checks.push(check(verdict, `${label} runs ${image.image}: ${trust.why}; ${pinned ? 'by digest' : 'by tag'}`, place, nodes));
      if (!pinned) {
        const digest = digestOf(context, image.image);
        const edits = digest ? pinEdits(image, digest) : [];
        changes.push(
          digest
            ? {
                ...change(`pin ${label} to the digest its tag points at now: replace line ${image.line} of ${image.file}`, {
                  file: image.file,
                  line: image.line,
                  snippet: `image: ${yamlScalar(`${image.image}@${digest}`)}`,
                  edits,
                  nodes,
                }),
                rules: edits.length > 0 ? pinnedRules(run, image, digest) : [],
              }
            : change(
                `pin ${label} by digest: its digest needs a registry scan first (shipshape registry scan, or fix --resolve to ask the registry), or this command; then write image: ${image.image}@<digest> at ${place}`,
                {
                  file: image.file,
                  line: image.line,
                  snippet: digestCommand(image.image),
                  nodes,
                },
              ),
        );
      }
      if (!trust.trusted)
        changes.push(
          change(`run ${label} from an allowed registry (copy ${image.image} into it first) or add the registry to allowedRegistries if it is trusted`, {
            file: image.file,
            line: image.line,
            snippet: undefined,
            nodes,
          }),
        );
    }
    composeImages(context, run, checks, changes);
    return outcomeOf(
      checks,
      changes,
      { subject: 'container images', met: 'are pulled by digest from trusted registries', notMet: 'are pulled by tag or from untrusted registries' },
      'no container images outside the system namespaces were read',
    );
  },
};

/**
 * The digest an image's tag points at now: from the registry scans, else asked of its registry
 * (`shipshape fix --resolve`, by the reference as written or normalised).
 */
function digestOf(context: ControlContext, image: string): string | undefined {
  const ref = parseImage(image);
  if (ref === undefined || ref.digest !== undefined) return undefined;
  const scanned = findStored(context.evidence.registries, ref.registry, ref.repository, ref.tag, undefined)?.tag?.digest;
  return scanned ?? context.resolvedDigests?.get(image) ?? context.resolvedDigests?.get(`${ref.registry}/${ref.repository}:${ref.tag ?? 'latest'}`);
}

/** The workload rules (SS-K8S-001, -002, -014) the pin clears on the object that runs the image. */
function pinnedRules(run: RunEvidence, image: WorkloadImage, digest: string): string[] {
  const list = { container: 'containers', initContainer: 'initContainers', ephemeralContainer: 'ephemeralContainers' }[image.containerType];
  for (const object of run.objects) {
    const template = object.file === image.file && object.kind === image.kind && object.name === image.workload ? podTemplateOf(object) : undefined;
    const containers = template && Array.isArray(template.spec[list]) ? (template.spec[list] as unknown[]) : [];
    const index = containers.findIndex((_, i) => object.lineOf([...(template?.pathKeys ?? []), list, i, 'image']) === image.line);
    if (template === undefined || index < 0) continue;
    const raw = structuredClone(object.raw);
    let spec: unknown = raw;
    for (const key of template.pathKeys) spec = isRecord(spec) ? spec[key] : undefined;
    const container = isRecord(spec) && Array.isArray(spec[list]) ? (spec[list] as unknown[])[index] : undefined;
    if (!isRecord(container)) continue;
    container.image = `${image.image}@${digest}`;
    const pinned: K8sObject = { ...object, raw };
    return clearedRules(object, pinned);
  }
  return [];
}

/**
 * Compose services pulling latest or no tag (SS-CMP-013, the only compose images the evidence
 * names): pinned to the digest a registry scan read for that tag, else a digest to get first.
 */
function composeImages(context: ControlContext, run: RunEvidence, checks: Check[], changes: ProposedChange[]): void {
  for (const finding of run.findings.filter((f) => f.ruleId === 'SS-CMP-013')) {
    const { file, startLine } = finding.location;
    const place = at(file ?? run.sources.join(', '), startLine);
    checks.push(check('gap', `${finding.title}: ${finding.message}`, place, [], [finding.ruleId, finding.fingerprint]));
    const written = /image ("(?:[^"\\]|\\.)*")/.exec(finding.message)?.[1];
    const image = written === undefined ? undefined : (JSON.parse(written) as string);
    const digest = image === undefined ? undefined : digestOf(context, image);
    if (image !== undefined && digest !== undefined && file !== undefined && startLine !== undefined) {
      changes.push({
        ...change(`${finding.message}: pin it to the digest its tag points at now (${place})`, {
          file,
          line: startLine,
          snippet: `image: ${yamlScalar(`${image}@${digest}`)}`,
          edits: pinEdits({ file, line: startLine, image }, digest),
          nodes: [],
        }),
        rules: [finding.ruleId],
      });
    } else {
      changes.push(
        change(`${finding.message}: pin a version tag and its digest (it needs a registry scan first, or this command) at ${place}`, {
          file,
          line: startLine,
          snippet: image === undefined ? undefined : digestCommand(image),
          nodes: [],
        }),
      );
    }
  }
}
