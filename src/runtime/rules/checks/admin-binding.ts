import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeObject, findingAt } from '../rule.js';
import type { RoleInfo } from '../../manifests/kinds.js';
import { bindingsOf, referencedRole, subjectNamespace } from '../rbac.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-011',
  title: 'Service account bound to cluster-admin or a wildcard role',
  severity: 'HIGH',
  rationale:
    'Any pod running as that service account (or anyone who can create pods in its namespace, or read its token) gets full control of the cluster or namespace: every Secret, every workload, every node.',
  remediation: 'Bind the service account to a Role that lists only the verbs and resources it needs; keep cluster-admin for break-glass human access.',
  references: [
    'Kubescape C-0035',
    'kube-linter cluster-admin-role-binding, wildcard-in-rules',
    'Polaris clusterrolebindingClusterAdmin, rolebindingClusterAdminClusterRole',
    'Checkov CKV_K8S_49',
    'CIS Kubernetes Benchmark 5.1.1, 5.1.3',
  ],
  kubescape: ['C-0035'],
  kubeLinter: ['cluster-admin-role-binding', 'wildcard-in-rules'],
  polaris: ['clusterrolebindingClusterAdmin', 'rolebindingClusterAdminClusterRole', 'rolebindingClusterAdminRole'],
  checkov: ['CKV_K8S_49'],
};

/** Why a role is administrative: `*` in verbs or in resources of some rule. */
function wildcardRule(role: RoleInfo): string | undefined {
  for (const rule of role.rules) {
    if (rule.resources.length === 0) continue; // nonResourceURLs-only rules (`/healthz`) grant no objects
    const verbs = rule.verbs.includes('*');
    const resources = rule.resources.includes('*');
    if (verbs && resources) return 'all verbs on all resources';
    if (verbs) return `all verbs on ${rule.resources.join(', ')}`;
    if (resources) return `${rule.verbs.join(', ')} on all resources`;
  }
  return undefined;
}

/** SS-K8S-011: (Cluster)RoleBindings that give service accounts cluster-admin or a `*` rule. */
export const adminBinding: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ci-admin\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n  - kind: ServiceAccount\n    name: ci\n    namespace: build\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: everything\n  namespace: shop\nrules:\n  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: app-everything\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: everything\nsubjects:\n  - kind: ServiceAccount\n    name: app\n',
    ],
    good: [
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: read-config\n  namespace: shop\nrules:\n  - apiGroups: [""]\n    resources: ["configmaps"]\n    verbs: ["get", "list", "watch"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: app-read-config\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: read-config\nsubjects:\n  - kind: ServiceAccount\n    name: app\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: admins\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n  - kind: Group\n    name: platform-admins\n',
    ],
  },
  check({ objects }) {
    return bindingsOf(objects).flatMap(({ object, info }) => {
      const ref = info.roleRef;
      if (ref === undefined) return [];
      let why: string | undefined;
      if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin') why = 'cluster-admin';
      else {
        const role = referencedRole(objects, info);
        const wildcard = role === undefined ? undefined : wildcardRule(role);
        if (wildcard !== undefined) why = `${ref.kind} ${ref.name}, which grants ${wildcard}`;
      }
      if (why === undefined) return [];
      const accounts = info.subjects
        .filter((subject) => subject.kind === 'ServiceAccount')
        .map((subject) => `${subjectNamespace(info, subject.namespace)}/${subject.name}`);
      if (accounts.length === 0) return [];
      const scope = info.kind === 'RoleBinding' ? ` in namespace ${info.namespace ?? 'default'}` : '';
      const message = `${describeObject(object)} binds service account${accounts.length > 1 ? 's' : ''} ${accounts.join(', ')} to ${why}${scope}`;
      return [findingAt(meta, object, [['roleRef', 'name'], ['roleRef']], message)];
    });
  },
};
