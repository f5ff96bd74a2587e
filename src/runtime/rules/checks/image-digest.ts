import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeContainer, findingAt } from '../rule.js';
import { containerImages } from '../images.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-001',
  title: 'Image not pinned by digest',
  severity: 'LOW',
  rationale:
    'A tag can be moved to different content at any time, so two nodes (or two rollouts) may run different code under the same manifest; only a digest names immutable content.',
  remediation: 'Reference images as `registry/repo:tag@sha256:<digest>` and update digests deliberately (Renovate, Dependabot, or a digest-resolving CI step).',
  references: ['Checkov CKV_K8S_43', 'NIST SP 800-190 4.1.5', 'https://kubernetes.io/docs/concepts/containers/images/#image-names'],
  checkov: ['CKV_K8S_43'],
};

/** SS-K8S-001: every container image should be referenced by digest. */
export const imageDigest: WorkloadRule = {
  meta,
  examples: {
    bad: ['apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n'],
    good: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
    ],
  },
  check({ objects }) {
    return containerImages(objects)
      .filter((image) => image.parsed.digest === undefined)
      .map(({ ref, image, imagePath }) =>
        findingAt(
          meta,
          ref.object,
          [imagePath, ref.pathKeys],
          `${describeContainer(ref.object, ref.name)} uses image ${JSON.stringify(image)}, which is not pinned by digest`,
          ref.name,
        ),
      );
  },
};
