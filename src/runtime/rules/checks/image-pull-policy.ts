import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeContainer, findingAt } from '../rule.js';
import { containerImages } from '../images.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-014',
  title: 'Mutable image tag without imagePullPolicy: Always',
  severity: 'LOW',
  rationale:
    'A tag can be moved to another image. With `IfNotPresent` (the default for any tag but `latest`) or `Never`, each node keeps whatever it pulled first: nodes run different images under one tag, and a re-pushed fix never arrives.',
  remediation: 'Pin the image by digest (best), or set `imagePullPolicy: Always` so every start resolves the tag again.',
  references: ['Polaris pullPolicyNotAlways', 'Checkov CKV_K8S_15', 'https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy'],
  polaris: ['pullPolicyNotAlways'],
  checkov: ['CKV_K8S_15'],
};

/**
 * SS-K8S-014: an image referenced by tag only (no digest) whose effective pull policy is not
 * Always. The default is Always for `latest` (and no tag) and IfNotPresent otherwise.
 */
export const imagePullPolicy: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:latest\n      imagePullPolicy: IfNotPresent\n',
    ],
    good: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      imagePullPolicy: Always\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx\n',
    ],
  },
  check({ objects }) {
    return containerImages(objects).flatMap(({ ref, image, parsed, imagePath }) => {
      if (parsed.digest !== undefined) return [];
      const written = ref.container.imagePullPolicy;
      const policy = typeof written === 'string' ? written : parsed.tag === 'latest' ? 'Always' : 'IfNotPresent';
      if (policy === 'Always') return [];
      const how = typeof written === 'string' ? `imagePullPolicy ${policy}` : `the default imagePullPolicy ${policy}`;
      return [
        findingAt(
          meta,
          ref.object,
          [[...ref.pathKeys, 'imagePullPolicy'], imagePath],
          `${describeContainer(ref.object, ref.name)} image ${JSON.stringify(image)} is a mutable tag pulled with ${how}`,
          ref.name,
        ),
      ];
    });
  },
};
