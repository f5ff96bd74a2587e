import { describe, expect, it } from 'vitest';
import { classify, namespaceInfo, networkPolicyInfo, roleBindingInfo, roleInfo, serviceAccountInfo } from './kinds.js';
import type { K8sObject } from './load.js';
import { loadManifests } from './load.js';

const text = `apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: v1.30
    pod-security.kubernetes.io/audit: baseline
    pod-security.kubernetes.io/warn: strict
    pod-security.kubernetes.io/warn-version: "1.30"
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: api, namespace: payments }
automountServiceAccountToken: false
imagePullSecrets: [{ name: regcred }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
rules:
  - apiGroups: [""]
    resources: [pods, secrets]
    verbs: [get, list]
  - nonResourceURLs: ["/healthz"]
    verbs: [get]
  - "garbage"
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: read, namespace: payments }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader }
subjects:
  - { kind: ServiceAccount, name: api, namespace: payments }
  - { kind: Group, apiGroup: rbac.authorization.k8s.io, name: devs }
  - { kind: User }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: payments }
spec:
  podSelector: {}
  egress: [{ to: [{ podSelector: { matchLabels: { app: db } } }] }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec: {}
---
apiVersion: example.com/v1
kind: Role
metadata: { name: not-rbac }
`;

function load(): K8sObject[] {
  const { objects, diagnostics } = loadManifests([{ name: 'k.yaml', text }]);
  expect(diagnostics).toEqual([]);
  return objects;
}

describe('kinds', () => {
  it('classifies by kind and API group', () => {
    expect(load().map(classify)).toEqual(['namespace', 'serviceAccount', 'role', 'roleBinding', 'networkPolicy', 'workload', 'other']);
  });

  it('parses Pod Security Admission labels; invalid values fail closed with a problem', () => {
    const [namespace, serviceAccount] = load();
    if (namespace === undefined || serviceAccount === undefined) throw new Error('objects missing');
    const info = namespaceInfo(namespace);
    expect(info?.name).toBe('payments');
    expect(info?.podSecurity).toEqual({
      enforce: { level: 'restricted', version: 'v1.30' },
      audit: { level: 'baseline', version: 'latest' },
      warn: {
        level: 'restricted',
        version: 'latest',
        problem: 'invalid warn level "strict"; invalid warn-version "1.30"',
      },
    });
    expect(namespaceInfo(serviceAccount)).toBeUndefined();
  });

  it('reads ServiceAccounts', () => {
    expect(serviceAccountInfo(load()[1] as K8sObject)).toEqual({
      name: 'api',
      namespace: 'payments',
      automountServiceAccountToken: false,
      imagePullSecrets: ['regcred'],
      secrets: [],
    });
  });

  it('reads roles and bindings, skipping malformed entries', () => {
    const objects = load();
    const role = roleInfo(objects[2] as K8sObject);
    expect(role).toMatchObject({ kind: 'ClusterRole', name: 'reader', namespace: undefined, aggregated: false });
    expect(role?.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'list'], resourceNames: [], nonResourceURLs: [] },
      { apiGroups: [], resources: [], verbs: ['get'], resourceNames: [], nonResourceURLs: ['/healthz'] },
    ]);
    expect(roleBindingInfo(objects[3] as K8sObject)).toEqual({
      kind: 'RoleBinding',
      name: 'read',
      namespace: 'payments',
      roleRef: { kind: 'ClusterRole', name: 'reader' },
      subjects: [
        { kind: 'ServiceAccount', name: 'api', namespace: 'payments' },
        { kind: 'Group', name: 'devs', namespace: undefined },
      ],
    });
    expect(roleInfo(objects[6] as K8sObject)).toBeUndefined();
  });

  it('reads NetworkPolicies with the API default policyTypes', () => {
    const policy = networkPolicyInfo(load()[4] as K8sObject);
    expect(policy).toMatchObject({
      name: 'default-deny',
      namespace: 'payments',
      selectsAllPods: true,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
    });
    expect(policy?.egress).toHaveLength(1);
  });

  it('tolerates wrong types', () => {
    const raw = { apiVersion: 'v1', kind: 'Namespace', metadata: { labels: 'x' } };
    const object: K8sObject = { file: 'f', line: 1, apiVersion: 'v1', kind: 'Namespace', namespace: undefined, name: undefined, raw, lineOf: () => undefined };
    expect(namespaceInfo(object)).toEqual({ name: undefined, labels: {}, podSecurity: {} });
    const np = { ...object, apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', raw: { spec: { podSelector: 'x', policyTypes: 'Egress' } } };
    expect(networkPolicyInfo(np)).toMatchObject({ selectsAllPods: true, policyTypes: ['Ingress'] });
  });
});
