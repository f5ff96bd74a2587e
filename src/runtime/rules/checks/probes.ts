import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeContainer, findingAt } from '../rule.js';
import { containersOf, fieldAt } from '../workload.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-008',
  title: 'Container without liveness or readiness probe',
  severity: 'LOW',
  rationale:
    'Without a readiness probe traffic reaches pods that cannot serve it; without a liveness probe a hung process is never restarted. Both hurt availability, which is part of security.',
  remediation: 'Add `readinessProbe` and `livenessProbe` (HTTP, TCP, gRPC or exec) to every long-running container.',
  references: [
    'kube-linter no-liveness-probe, no-readiness-probe',
    'Polaris livenessProbeMissing, readinessProbeMissing',
    'Checkov CKV_K8S_8, CKV_K8S_9',
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  ],
  kubeLinter: ['no-liveness-probe', 'no-readiness-probe'],
  polaris: ['livenessProbeMissing', 'readinessProbeMissing'],
  checkov: ['CKV_K8S_8', 'CKV_K8S_9'],
};

/** Jobs, CronJobs and pods that are not restarted run to completion: probes make little sense. */
function runsToCompletion(kind: string, podSpec: Record<string, unknown>): boolean {
  if (kind === 'Job' || kind === 'CronJob') return true;
  return kind === 'Pod' && (podSpec.restartPolicy === 'Never' || podSpec.restartPolicy === 'OnFailure');
}

/** SS-K8S-008: long-running regular containers need liveness and readiness probes. */
export const probes: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n          readinessProbe:\n            httpGet: { path: /healthz, port: 8080 }\n',
    ],
    good: [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n          readinessProbe:\n            httpGet: { path: /ready, port: 8080 }\n          livenessProbe:\n            httpGet: { path: /healthz, port: 8080 }\n',
      'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: app:1.0\n',
    ],
  },
  check({ objects }) {
    return containersOf(objects, ['containers']).flatMap((ref) => {
      if (runsToCompletion(ref.object.kind, ref.template.spec)) return [];
      const missing = (['livenessProbe', 'readinessProbe'] as const).filter((probe) => fieldAt(ref.container, probe) === undefined);
      if (missing.length === 0) return [];
      const message = `${describeContainer(ref.object, ref.name)} has no ${missing.join(' or ')}`;
      return [findingAt(meta, ref.object, [ref.pathKeys], message, ref.name)];
    });
  },
};
