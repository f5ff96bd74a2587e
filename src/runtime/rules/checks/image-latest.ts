import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeContainer, findingAt } from '../rule.js';
import { containerImages } from '../images.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-002',
  title: 'Image uses the latest tag',
  severity: 'MEDIUM',
  rationale:
    '`latest` (written, or implied by a missing tag) changes with every push: what runs depends on when a node pulled, rollbacks cannot restore the previous version, and the default pull policy becomes Always.',
  remediation: 'Use a specific version tag, ideally with its digest (`nginx:1.27.2@sha256:…`).',
  references: [
    'kube-linter latest-tag',
    'Polaris tagNotSpecified',
    'Checkov CKV_K8S_14',
    'https://kubernetes.io/docs/concepts/configuration/overview/#container-images',
  ],
  kubeLinter: ['latest-tag'],
  polaris: ['tagNotSpecified'],
  checkov: ['CKV_K8S_14'],
};

/** SS-K8S-002: images by `latest` or without a tag, unless pinned by digest (the digest wins). */
export const imageLatest: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:latest\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example:5000/team/web\n',
    ],
    good: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
    ],
  },
  check({ objects }) {
    return containerImages(objects)
      .filter(({ parsed }) => parsed.digest === undefined && parsed.tag === 'latest')
      .map(({ ref, image, imagePath, tagWritten }) => {
        const how = tagWritten ? 'uses the `latest` tag' : 'has no tag, so it means `latest`';
        return findingAt(
          meta,
          ref.object,
          [imagePath, ref.pathKeys],
          `${describeContainer(ref.object, ref.name)} image ${JSON.stringify(image)} ${how}`,
          ref.name,
        );
      });
  },
};
