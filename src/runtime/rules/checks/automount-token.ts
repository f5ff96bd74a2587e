import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeObject, findingAt } from '../rule.js';
import { serviceAccountInfo } from '../../manifests/kinds.js';
import { bindingsOf, bindsServiceAccount } from '../rbac.js';
import { workloadsOf } from '../workload.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-012',
  title: 'Service account token mounted but unused',
  severity: 'MEDIUM',
  rationale:
    'Kubernetes mounts an API token into every pod unless told not to. A pod whose service account has no permissions does not need it, and an attacker in the container can use it to probe the API server (and gains whatever is granted to it later).',
  remediation:
    'Set `automountServiceAccountToken: false` on the pod spec (or on its ServiceAccount); mount a projected token only where the application calls the API.',
  references: [
    'Kubescape C-0034',
    'Polaris automountServiceAccountToken',
    'Checkov CKV_K8S_38',
    'CIS Kubernetes Benchmark 5.1.6',
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
  ],
  kubescape: ['C-0034'],
  polaris: ['automountServiceAccountToken'],
  checkov: ['CKV_K8S_38'],
};

/**
 * SS-K8S-012: the token is mounted by default (neither the pod nor its ServiceAccount set
 * `automountServiceAccountToken`) and no binding in the input grants the service account anything.
 * An explicit `true` is taken as deliberate (e.g. Vault or service-mesh authentication).
 */
export const automountToken: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1.0\n',
    ],
    good: [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      automountServiceAccountToken: false\n      containers:\n        - name: app\n          image: app:1.0\n',
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: quiet\n  namespace: shop\nautomountServiceAccountToken: false\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      serviceAccountName: quiet\n      containers:\n        - name: app\n          image: app:1.0\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: operator\n  namespace: ops\nspec:\n  template:\n    spec:\n      serviceAccountName: operator\n      containers:\n        - name: op\n          image: op:1.0\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: operator\n  namespace: ops\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit\nsubjects:\n  - kind: ServiceAccount\n    name: operator\n',
    ],
  },
  check({ objects }) {
    const accounts = new Map<string, boolean | undefined>();
    for (const object of objects) {
      const info = serviceAccountInfo(object);
      if (info?.name !== undefined) accounts.set(`${info.namespace ?? 'default'}/${info.name}`, info.automountServiceAccountToken);
    }
    const bindings = bindingsOf(objects);
    return workloadsOf(objects).flatMap(({ object, template }) => {
      const { spec, pathKeys } = template;
      if (typeof spec.automountServiceAccountToken === 'boolean') return [];
      const namespace = object.namespace ?? 'default';
      // `serviceAccount` is the deprecated alias the API server still honours.
      const written = [spec.serviceAccountName, spec.serviceAccount].find((v): v is string => typeof v === 'string' && v !== '');
      const account = written ?? 'default';
      if (accounts.get(`${namespace}/${account}`) !== undefined) return [];
      if (bindings.some(({ info }) => bindsServiceAccount(info, namespace, account))) return [];
      const message = `${describeObject(object)} mounts the token of service account ${namespace}/${account}, which no binding in the input grants anything; set automountServiceAccountToken: false`;
      const at = [[...pathKeys, 'serviceAccountName'], [...pathKeys, 'serviceAccount'], pathKeys];
      return [findingAt(meta, object, at, message)];
    });
  },
};
