import type { K8sObject } from '../../manifests/load.js';
import { classify } from '../../manifests/kinds.js';
import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { workloadsOf } from '../workload.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-013',
  title: 'Namespace without any NetworkPolicy',
  severity: 'MEDIUM',
  rationale:
    'Without a NetworkPolicy every pod accepts traffic from every other pod in the cluster and can reach anything: one compromised pod can move laterally and exfiltrate freely.',
  remediation:
    'Add a default-deny NetworkPolicy (`podSelector: {}`, `policyTypes: [Ingress, Egress]`) to the namespace, then allow the flows each workload needs.',
  references: [
    'Kubescape C-0054, C-0030',
    'kube-linter non-isolated-pod',
    'Polaris missingNetworkPolicy',
    'CIS Kubernetes Benchmark 5.3.2',
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
  ],
  kubescape: ['C-0054', 'C-0030'],
  kubeLinter: ['non-isolated-pod'],
  polaris: ['missingNetworkPolicy'],
};

/** Managed by the control plane; their policies are the platform's business. */
const systemNamespaces = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/**
 * SS-K8S-013: every Namespace in the input, and every namespace a workload names explicitly, needs
 * at least one NetworkPolicy in the input. Workloads without a namespace are left out: where they
 * land is decided at apply time.
 */
export const missingNetworkPolicy: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1.0\n',
    ],
    good: [
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1.0\n',
    ],
  },
  check({ objects }) {
    const covered = new Set(objects.filter((o) => classify(o) === 'networkPolicy').map((o) => o.namespace ?? 'default'));
    // First place each namespace is seen: its Namespace object wins over a workload naming it.
    const seen = new Map<string, { object: K8sObject; path: string[] }>();
    for (const object of objects) {
      if (classify(object) === 'namespace' && object.name !== undefined) seen.set(object.name, { object, path: ['metadata', 'name'] });
    }
    for (const { object } of workloadsOf(objects)) {
      if (object.namespace !== undefined && !seen.has(object.namespace)) seen.set(object.namespace, { object, path: ['metadata', 'namespace'] });
    }
    return [...seen].flatMap(([namespace, { object, path }]) => {
      if (covered.has(namespace) || systemNamespaces.has(namespace)) return [];
      const where = object.kind === 'Namespace' ? '' : ` (used by ${object.kind} ${object.name ?? '(unnamed)'})`;
      const finding = findingAt(meta, object, [path], `namespace ${namespace}${where} has no NetworkPolicy in the input`);
      return [{ ...finding, subject: { kind: 'Namespace', namespace: undefined, name: namespace } }];
    });
  },
};
