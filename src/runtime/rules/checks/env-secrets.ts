import { isPlaceholder, maskSecret } from '../../../secrets/mask.js';
import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeContainer, findingAt } from '../rule.js';
import { containersOf } from '../workload.js';
import { isRecord } from '../../../core/records.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-007',
  title: 'Secret written as a literal environment value',
  severity: 'HIGH',
  rationale:
    'A literal `value` ends up in Git, in Helm release history, in `kubectl get -o yaml` for anyone who can read the workload, and in the audit log; Secrets can be access-controlled, encrypted at rest and rotated.',
  remediation:
    'Move the value into a Secret (or an external secret store) and reference it with `valueFrom.secretKeyRef`, or better mount it as a file; rotate the exposed value.',
  references: [
    'Kubescape C-0012',
    'Polaris sensitiveContainerEnvVar',
    'Checkov CKV_K8S_35',
    'CIS Kubernetes Benchmark 5.4.1',
    'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
  ],
  kubescape: ['C-0012'],
  polaris: ['sensitiveContainerEnvVar'],
  checkov: ['CKV_K8S_35'],
};

/** Variable names that hold credentials (`DB_PASSWORD`, `GITHUB_TOKEN`, `STRIPE_API_KEY`...). */
const sensitiveName = /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH_KEY/i;
/** Names that match the pattern but hold no secret: paths, counts, switches. */
const harmlessName = /_(FILE|PATH|DIR|NAME|URL|ENDPOINT|TTL|EXPIRY|LENGTH|ENABLED|HEADER)$/i;
/** Kubernetes' own `$(VAR)` dependent-variable syntax refers to another variable, not a value. */
const kubernetesReference = /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/;

/** SS-K8S-007: env entries named like credentials with a literal `value` (masked in the message). */
export const envSecrets: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      env:\n        - name: DB_PASSWORD\n          value: hunter2-but-longer\n',
      'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: backup\nspec:\n  schedule: "@daily"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: backup\n              image: backup:1.0\n              env:\n                - name: AWS_SECRET_ACCESS_KEY\n                  value: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
    ],
    good: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      env:\n        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef:\n              name: db\n              key: password\n        - name: DB_PASSWORD_FILE\n          value: /run/secrets/db\n        - name: LOG_LEVEL\n          value: debug\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      env:\n        - name: API_TOKEN\n          value: ""\n        - name: GITHUB_TOKEN\n          value: $(TOKEN_FROM_SECRET)\n',
    ],
  },
  check({ objects }) {
    return containersOf(objects, ['initContainers', 'containers', 'ephemeralContainers']).flatMap((ref) => {
      const env = ref.container.env;
      if (!Array.isArray(env)) return [];
      return env.flatMap((entry: unknown, index) => {
        if (!isRecord(entry) || typeof entry.name !== 'string') return [];
        // YAML may type a numeric PIN as a number; it is still a literal.
        const value = typeof entry.value === 'number' ? String(entry.value) : entry.value;
        if (typeof value !== 'string' || !sensitiveName.test(entry.name) || harmlessName.test(entry.name)) return [];
        if (isPlaceholder(value) || kubernetesReference.test(value.trim())) return [];
        const at = [...ref.pathKeys, 'env', index];
        const message = `${describeContainer(ref.object, ref.name)} sets ${entry.name} to a literal value (${maskSecret(value)})`;
        return [findingAt(meta, ref.object, [[...at, 'value'], at], message, ref.name)];
      });
    });
  },
};
