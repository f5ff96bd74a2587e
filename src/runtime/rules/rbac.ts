import type { K8sObject } from '../manifests/load.js';
import type { RoleBindingInfo, RoleInfo } from '../manifests/kinds.js';
import { roleBindingInfo, roleInfo } from '../manifests/kinds.js';

/** A binding with the object it came from. */
export interface Binding {
  object: K8sObject;
  info: RoleBindingInfo;
}

/** Every RoleBinding and ClusterRoleBinding in the input. */
export function bindingsOf(objects: readonly K8sObject[]): Binding[] {
  return objects.flatMap((object) => {
    const info = roleBindingInfo(object);
    return info === undefined ? [] : [{ object, info }];
  });
}

/** The namespace a binding's ServiceAccount subject lives in (RoleBindings default to their own). */
export function subjectNamespace(binding: RoleBindingInfo, subjectNs: string | undefined): string {
  return subjectNs ?? binding.namespace ?? 'default';
}

/** Whether a binding grants something to service account `namespace/name` (directly or via its groups). */
export function bindsServiceAccount(binding: RoleBindingInfo, namespace: string, name: string): boolean {
  return binding.subjects.some((subject) => {
    if (subject.kind === 'ServiceAccount') return subject.name === name && subjectNamespace(binding, subject.namespace) === namespace;
    if (subject.kind === 'Group') return subject.name === 'system:serviceaccounts' || subject.name === `system:serviceaccounts:${namespace}`;
    return false;
  });
}

/** The Role or ClusterRole a binding refers to, when it is in the input. */
export function referencedRole(objects: readonly K8sObject[], binding: RoleBindingInfo): RoleInfo | undefined {
  const ref = binding.roleRef;
  if (ref === undefined) return undefined;
  for (const object of objects) {
    const role = roleInfo(object);
    if (role === undefined || role.kind !== ref.kind || role.name !== ref.name) continue;
    // A RoleBinding can only refer to a Role of its own namespace.
    if (role.kind === 'Role' && (role.namespace ?? 'default') !== (binding.namespace ?? 'default')) continue;
    return role;
  }
  return undefined;
}
