import { posix } from 'node:path';
import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeObject, findingAt } from '../rule.js';
import { workloadsOf } from '../workload.js';
import { isRecord } from '../../../core/records.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-009',
  title: 'hostPath volume mounts a sensitive host path',
  severity: 'HIGH',
  rationale:
    'A container runtime socket is root on the node (start a privileged container); `/`, `/etc`, `/var/run`, `/proc`, the kubelet and runtime state directories expose node credentials and configuration. Any of them turns a container compromise into a node compromise.',
  remediation:
    'Remove the hostPath volume; use the Kubernetes API, a CSI driver or an emptyDir instead. If a node agent truly needs it, mount the narrowest path read-only and isolate the workload in its own namespace.',
  references: [
    'kube-linter docker-sock, sensitive-host-mounts',
    'Checkov CKV_K8S_27',
    'Polaris hostPathSet',
    'Kubescape C-0048 (HostPath mount)',
    'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
  ],
  kubeLinter: ['docker-sock', 'sensitive-host-mounts'],
  checkov: ['CKV_K8S_27'],
  polaris: ['hostPathSet'],
  kubescape: ['C-0048'],
};

/** Host paths that are sensitive themselves and everything below them (`/` only itself). */
const sensitiveTrees = [
  '/etc',
  '/var/run',
  '/run',
  '/proc',
  '/sys',
  '/boot',
  '/dev',
  '/root',
  '/var/lib/kubelet',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/etcd',
  '/etc/kubernetes',
];
/** Runtime sockets, wherever they were moved to. */
const runtimeSocket = /(?:^|\/)(?:docker|containerd|crio|cri-dockerd|podman)\.sock$/;

/** Why `path` is sensitive, or undefined. Paths are normalised first (`/var//run/../run/` → `/var/run`). */
export function sensitiveHostPath(path: string): string | undefined {
  const normalised = posix.normalize(`/${path}`).replace(/(.)\/+$/, '$1');
  if (runtimeSocket.test(normalised)) return 'a container runtime socket';
  if (normalised === '/') return 'the host root filesystem';
  const tree = sensitiveTrees.find((root) => normalised === root || normalised.startsWith(`${root}/`));
  return tree === undefined ? undefined : `under ${tree}`;
}

/** SS-K8S-009: hostPath volumes of runtime sockets, `/`, `/etc`, `/var/run` and similar. */
export const sensitiveHostPathRule: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      containers:\n        - name: agent\n          image: agent:1.0\n      volumes:\n        - name: sock\n          hostPath:\n            path: /var/run/docker.sock\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: sh\n      image: busybox:1.36\n  volumes:\n    - name: host\n      hostPath:\n        path: /\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: sh\n      image: busybox:1.36\n  volumes:\n    - name: etc\n      hostPath:\n        path: /etc/\n',
    ],
    good: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n  volumes:\n    - name: cache\n      emptyDir: {}\n    - name: logs\n      hostPath:\n        path: /var/log/app\n',
    ],
  },
  check({ objects }) {
    return workloadsOf(objects).flatMap(({ object, template }) => {
      const volumes = template.spec.volumes;
      if (!Array.isArray(volumes)) return [];
      return volumes.flatMap((volume: unknown, index) => {
        if (!isRecord(volume) || !isRecord(volume.hostPath) || typeof volume.hostPath.path !== 'string') return [];
        const path = volume.hostPath.path;
        const why = sensitiveHostPath(path);
        if (why === undefined) return [];
        const at = [...template.pathKeys, 'volumes', index];
        const name = typeof volume.name === 'string' ? volume.name : '(unnamed)';
        const message = `${describeObject(object)} volume ${JSON.stringify(name)} mounts host path ${JSON.stringify(path)} (${why})`;
        return [findingAt(meta, object, [[...at, 'hostPath', 'path'], at], message)];
      });
    });
  },
};
