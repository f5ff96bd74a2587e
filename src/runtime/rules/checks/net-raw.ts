import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeContainer, findingAt } from '../rule.js';
import { containersOf, fieldAt, stringsOf } from '../workload.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-006',
  title: 'NET_RAW capability not dropped',
  severity: 'MEDIUM',
  rationale:
    'Container runtimes grant NET_RAW by default; it allows crafting raw packets (ARP and DNS spoofing of other pods on the node) and is rarely needed by applications.',
  remediation: 'Add `NET_RAW` (or `ALL`) to `securityContext.capabilities.drop`, and do not add it back.',
  references: ['kube-linter drop-net-raw-capability', 'Checkov CKV_K8S_28', 'Kubescape C-0046', 'CIS Docker Benchmark 5.3'],
  kubeLinter: ['drop-net-raw-capability'],
  checkov: ['CKV_K8S_28'],
  kubescape: ['C-0046'],
};

/** `net_raw`, `CAP_NET_RAW` → `NET_RAW` (runtimes accept both spellings). */
function capability(name: string): string {
  return name.trim().toUpperCase().replace(/^CAP_/, '');
}

/** SS-K8S-006: NET_RAW must be dropped (directly or via ALL) and not added back. */
export const netRaw: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        capabilities:\n          drop: [ALL]\n          add: [NET_RAW]\n',
    ],
    good: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        capabilities:\n          drop: [ALL]\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        capabilities:\n          drop: [CAP_NET_RAW]\n',
    ],
  },
  check({ objects }) {
    return containersOf(objects).flatMap((ref) => {
      const capabilities = fieldAt(ref.container, 'securityContext', 'capabilities');
      const drop = stringsOf(fieldAt(capabilities, 'drop')).map(capability);
      const add = stringsOf(fieldAt(capabilities, 'add')).map(capability);
      const capPath = [...ref.pathKeys, 'securityContext', 'capabilities'];
      const at = [[...ref.pathKeys, 'securityContext'], ref.pathKeys];
      if (add.includes('NET_RAW') || add.includes('ALL')) {
        return [findingAt(meta, ref.object, [[...capPath, 'add'], ...at], `${describeContainer(ref.object, ref.name)} adds the NET_RAW capability`, ref.name)];
      }
      if (drop.includes('NET_RAW') || drop.includes('ALL')) return [];
      return [
        findingAt(
          meta,
          ref.object,
          [[...capPath, 'drop'], capPath, ...at],
          `${describeContainer(ref.object, ref.name)} does not drop the NET_RAW capability`,
          ref.name,
        ),
      ];
    });
  },
};
