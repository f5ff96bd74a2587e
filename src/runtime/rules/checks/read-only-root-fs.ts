import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeContainer, findingAt } from '../rule.js';
import { containersOf, fieldAt } from '../workload.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-005',
  title: 'Root filesystem is writable',
  severity: 'LOW',
  rationale: 'A writable root filesystem lets an attacker who gets code execution drop tools, modify binaries or persist changes inside the container.',
  remediation: 'Set `securityContext.readOnlyRootFilesystem: true` and mount `emptyDir` volumes where the application must write (e.g. `/tmp`).',
  references: ['Kubescape C-0017', 'kube-linter no-read-only-root-fs', 'Polaris notReadOnlyRootFilesystem', 'Checkov CKV_K8S_22', 'CIS Docker Benchmark 5.13'],
  kubescape: ['C-0017'],
  kubeLinter: ['no-read-only-root-fs'],
  polaris: ['notReadOnlyRootFilesystem'],
  checkov: ['CKV_K8S_22'],
};

/** SS-K8S-005: every init and regular container should set `readOnlyRootFilesystem: true`. */
export const readOnlyRootFs: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        readOnlyRootFilesystem: false\n',
    ],
    good: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        readOnlyRootFilesystem: true\n',
    ],
  },
  check({ objects }) {
    return containersOf(objects).flatMap((ref) => {
      const value = fieldAt(ref.container, 'securityContext', 'readOnlyRootFilesystem');
      if (value === true) return [];
      const field = [...ref.pathKeys, 'securityContext', 'readOnlyRootFilesystem'];
      const why = value === false ? 'sets `readOnlyRootFilesystem: false`' : 'does not set `readOnlyRootFilesystem: true`';
      return [
        findingAt(meta, ref.object, [field, [...ref.pathKeys, 'securityContext'], ref.pathKeys], `${describeContainer(ref.object, ref.name)} ${why}`, ref.name),
      ];
    });
  },
};
