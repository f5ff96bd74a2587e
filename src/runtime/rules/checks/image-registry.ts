import { allowListMatch } from '../../../image/registry-hosts.js';
import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeContainer, findingAt } from '../rule.js';
import { containerImages } from '../images.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-003',
  title: 'Image from a registry outside the allow-list',
  severity: 'HIGH',
  rationale:
    'Images from unvetted registries bypass the scanning, signing and retention controls of the approved ones, and are a common path for typosquatted or malicious images.',
  remediation:
    'Mirror the image into an allowed registry and reference it there, or add the registry to `--allowed-registries` if it is trusted. Enforce the same list at admission (Kyverno, Gatekeeper, ValidatingAdmissionPolicy).',
  references: ['Kubescape C-0078 (Images from allowed registry)', 'NIST SP 800-190 4.1.4', 'https://kubernetes.io/docs/concepts/containers/images/'],
  kubescape: ['C-0078'],
};

/** SS-K8S-003: with `--allowed-registries`, every image must come from one of them (the syntax: `parseAllowListEntry`). */
export const imageRegistry: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: ghcr.io/someone-else/app:1.0\n',
    ],
    good: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: registry.example.com/team/app:1.0\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: ghcr.io/acme/app:1.0\n',
    ],
  },
  exampleContext: { allowedRegistries: ['registry.example.com', 'ghcr.io/acme'] },
  check({ objects, allowedRegistries }) {
    if (allowedRegistries === undefined) return [];
    const list = allowedRegistries.join(', ') || '(empty)';
    return containerImages(objects)
      .filter(({ parsed }) => allowListMatch(allowedRegistries, parsed.registry, parsed.repository) === undefined)
      .map(({ ref, image, imagePath, parsed }) =>
        findingAt(
          meta,
          ref.object,
          [imagePath, ref.pathKeys],
          `${describeContainer(ref.object, ref.name)} image ${JSON.stringify(image)} comes from ${parsed.registry}, which is not in the allowed registries (${list})`,
          ref.name,
        ),
      );
  },
};
