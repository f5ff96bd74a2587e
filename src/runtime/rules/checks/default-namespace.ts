import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeObject, findingAt } from '../rule.js';
import { workloadsOf } from '../workload.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-010',
  title: 'Workload in the default namespace',
  severity: 'LOW',
  rationale:
    'The default namespace usually has no Pod Security labels, NetworkPolicies, quotas or narrow RBAC, and mixes unrelated workloads so that policies cannot isolate them.',
  remediation:
    'Deploy each application into its own namespace (set `metadata.namespace`, or `helm --namespace` / `kubectl -n` and then write it into the manifest).',
  references: ['kube-linter use-namespace', 'Checkov CKV_K8S_21', 'CIS Kubernetes Benchmark 5.7.4'],
  kubeLinter: ['use-namespace'],
  checkov: ['CKV_K8S_21'],
};

/** SS-K8S-010: workloads with `namespace: default`, or none (applied wherever kubectl points: often default). */
export const defaultNamespace: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1.0\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n',
    ],
    good: [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1.0\n',
    ],
  },
  check({ objects }) {
    return workloadsOf(objects).flatMap(({ object }) => {
      if (object.namespace !== undefined && object.namespace !== 'default') return [];
      const message =
        object.namespace === undefined
          ? `${describeObject(object)} has no namespace, so it goes wherever it is applied (usually default)`
          : `${describeObject(object)} is in the default namespace`;
      return [findingAt(meta, object, [['metadata', 'namespace'], ['metadata', 'name'], ['metadata']], message)];
    });
  },
};
