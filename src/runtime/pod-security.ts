import type { K8sObject } from './manifests/load.js';
import { namespaceInfo, type PsaPolicy } from './manifests/kinds.js';
import { podTemplateOf } from './manifests/pods.js';
import { evaluatePod } from './pss/evaluate.js';
import { parseVersion, type PssLevel, type PssViolation } from './pss/types.js';

/** One pod-bearing object checked against the Pod Security Standards. */
export interface PodSecurityResult {
  /** The file it was read from, and the line its document or list item starts at. */
  file: string;
  line: number;
  kind: string;
  namespace: string;
  name: string;
  level: PssLevel;
  version: string;
  /** Where the level and version came from: the command line, or the namespace's PSA label. */
  policySource: 'option' | `namespace ${string} enforce label`;
  allowed: boolean;
  violations: PssViolation[];
  /** When checked below restricted: whether raising the label to restricted would reject it. */
  rejectedAtRestricted?: boolean;
  /** The namespace's `audit` and `warn` labels, when it has them: whether the pod would be recorded / warned about. */
  audit?: { level: PssLevel; version: string; allowed: boolean } | undefined;
  warn?: { level: PssLevel; version: string; allowed: boolean } | undefined;
}

export interface PodSecurityOptions {
  level: PssLevel;
  version: string;
  /**
   * Whether the level/version were asked for explicitly. If not, a namespace that has a
   * `pod-security.kubernetes.io/enforce` label is checked at its own level and version, as its
   * admission controller would.
   */
  explicit: boolean;
}

/** Evaluates every pod-bearing object (Pod, Deployment, CronJob...) as pod-security-admission would. */
export function checkPodSecurity(objects: readonly K8sObject[], options: PodSecurityOptions): PodSecurityResult[] {
  parseVersion(options.version); // a bad --version fails before any work
  const enforced = new Map<string, PsaPolicy>();
  const other = new Map<string, { audit?: PsaPolicy | undefined; warn?: PsaPolicy | undefined }>();
  for (const object of objects) {
    const info = namespaceInfo(object);
    if (!info?.name) continue;
    if (info.podSecurity.enforce) enforced.set(info.name, info.podSecurity.enforce);
    other.set(info.name, { audit: info.podSecurity.audit, warn: info.podSecurity.warn });
  }
  const results: PodSecurityResult[] = [];
  for (const object of objects) {
    const template = podTemplateOf(object);
    if (!template) continue;
    const namespace = object.namespace ?? 'default';
    const label = options.explicit ? undefined : enforced.get(namespace);
    const level = label?.level ?? options.level;
    const version = label?.version ?? options.version;
    const pod = { metadata: template.metadata, spec: template.spec };
    const verdict = evaluatePod(pod, level, version);
    const result: PodSecurityResult = {
      file: object.file,
      line: object.line,
      kind: object.kind,
      namespace,
      name: object.name ?? '(unnamed)',
      level,
      version,
      policySource: label ? `namespace ${namespace} enforce label` : 'option',
      allowed: verdict.allowed,
      violations: verdict.violations,
    };
    if (level !== 'restricted') result.rejectedAtRestricted = !evaluatePod(pod, 'restricted', 'latest').allowed;
    for (const mode of ['audit', 'warn'] as const) {
      const policy = other.get(namespace)?.[mode];
      if (policy) result[mode] = { level: policy.level, version: policy.version, allowed: evaluatePod(pod, policy.level, policy.version).allowed };
    }
    results.push(result);
  }
  return results;
}
