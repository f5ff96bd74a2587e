import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { digestCommand, findStored, registryTrust } from '../support/images.js';
import { pinEdits, systemNamespaces } from '../support/k8s.js';
import { yamlScalar } from '../support/quote.js';
import type { Check, PostureControl } from './control.js';
import { at, change, check, outcomeOf, unknown } from './control.js';

/** SS-CTL-R03: workloads pull their images by digest, from allowed registries. */
export const imagesByDigestFromAllowed: PostureControl = {
  meta: {
    id: 'SS-CTL-R03',
    phase: 'run',
    title: 'Workloads pull images by digest from allowed registries',
    objective: 'Every container names its image by digest, from a registry the policy allows, so what runs is exactly what was built and checked.',
    evaluation:
      'Per container image (system namespaces aside): by digest from a trusted registry is met; one of the two is partial; neither, or a registry outside allowedRegistries, is a gap.',
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
        continue;
      }
      const nodes = onMap(context.map, [workloadNode, nodeId.image(image.registry, image.repository)]);
      const trust = registryTrust(context.policy, context.evidence, image.registry, image.repository);
      const pinned = image.digest !== undefined;
      const denied = !trust.trusted && context.policy.allowedRegistries.length > 0;
      const verdict = denied ? 'gap' : trust.trusted && pinned ? 'met' : trust.trusted || pinned ? 'partial' : 'gap';
      checks.push(check(verdict, `${label} runs ${image.image}: ${trust.why}; ${pinned ? 'by digest' : 'by tag'}`, place, nodes));
      if (!pinned) {
        const digest = findStored(context.evidence.registries, image.registry, image.repository, image.tag, undefined)?.tag?.digest;
        changes.push(
          digest
            ? change(`pin ${label} to the digest its tag points at now: replace line ${image.line} of ${image.file}`, {
                file: image.file,
                line: image.line,
                snippet: `image: ${yamlScalar(`${image.image}@${digest}`)}`,
                edits: pinEdits(image, digest),
                nodes,
              })
            : change(`pin ${label} by digest: get the digest, then write image: ${image.image}@<digest> at ${place}`, {
                file: image.file,
                line: image.line,
                snippet: digestCommand(image.image),
                nodes,
              }),
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
    return outcomeOf(
      checks,
      changes,
      { subject: 'container images', met: 'are pulled by digest from trusted registries', notMet: 'are pulled by tag or from untrusted registries' },
      'no container images outside the system namespaces were read',
    );
  },
};
