import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeContainer, findingAt } from '../rule.js';
import { containersOf, fieldAt } from '../workload.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-004',
  title: 'Container without CPU or memory limits',
  severity: 'MEDIUM',
  rationale: 'Without limits one container (a leak, a fork bomb, a compromised process mining coins) can starve every other pod on its node of CPU or memory.',
  remediation: 'Set `resources.limits.cpu` and `resources.limits.memory` on every container (a LimitRange can supply namespace defaults).',
  references: [
    'Kubescape C-0270, C-0271',
    'kube-linter unset-cpu-requirements, unset-memory-requirements',
    'Polaris cpuLimitsMissing, memoryLimitsMissing',
    'Checkov CKV_K8S_11, CKV_K8S_13',
    'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
  ],
  kubescape: ['C-0270', 'C-0271'],
  kubeLinter: ['unset-cpu-requirements', 'unset-memory-requirements'],
  polaris: ['cpuLimitsMissing', 'memoryLimitsMissing'],
  checkov: ['CKV_K8S_11', 'CKV_K8S_13'],
};

/** A quantity is set when it is a non-empty string or a number (YAML `cpu: 1`). */
function isSet(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
}

/** SS-K8S-004: init and regular containers need both a CPU and a memory limit. */
export const resourceLimits: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        limits:\n          memory: 128Mi\n',
    ],
    good: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        limits:\n          cpu: 500m\n          memory: 128Mi\n',
    ],
  },
  check({ objects }) {
    return containersOf(objects).flatMap((ref) => {
      const limits = fieldAt(ref.container, 'resources', 'limits');
      const missing = (['cpu', 'memory'] as const).filter((resource) => !isSet(fieldAt(limits, resource)));
      if (missing.length === 0) return [];
      const at = [[...ref.pathKeys, 'resources', 'limits'], [...ref.pathKeys, 'resources'], ref.pathKeys];
      return [findingAt(meta, ref.object, at, `${describeContainer(ref.object, ref.name)} has no ${missing.join(' or ')} limit`, ref.name)];
    });
  },
};
