import type { K8sObject } from './load.js';
import { apiGroupOf, isPodBearing } from './pods.js';
import { isRecord } from '../../core/records.js';

/** What the run-phase checks care about in an object. */
export type ManifestClass = 'workload' | 'namespace' | 'serviceAccount' | 'role' | 'roleBinding' | 'networkPolicy' | 'other';

const rbacGroup = 'rbac.authorization.k8s.io';

/** Classifies an object by kind and API group (a CRD reusing a built-in kind name is `other`). */
export function classify(object: Pick<K8sObject, 'apiVersion' | 'kind'>): ManifestClass {
  if (isPodBearing(object)) return 'workload';
  const group = apiGroupOf(object.apiVersion);
  switch (object.kind) {
    case 'Namespace':
      return group === '' ? 'namespace' : 'other';
    case 'ServiceAccount':
      return group === '' ? 'serviceAccount' : 'other';
    case 'Role':
    case 'ClusterRole':
      return group === rbacGroup ? 'role' : 'other';
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return group === rbacGroup ? 'roleBinding' : 'other';
    case 'NetworkPolicy':
      return group === 'networking.k8s.io' || group === 'extensions' ? 'networkPolicy' : 'other';
    default:
      return 'other';
  }
}

// --- Namespace and Pod Security Admission labels ---

type PsaLevel = 'privileged' | 'baseline' | 'restricted';
type PsaMode = 'enforce' | 'audit' | 'warn';

/** One PSA mode's policy: `version` is `latest` or `v1.N`. */
export interface PsaPolicy {
  level: PsaLevel;
  version: string;
  /** Set when a label value was invalid; PSA then evaluates `restricted` / `latest`, as here. */
  problem?: string;
}

export interface NamespaceInfo {
  name: string | undefined;
  labels: Record<string, string>;
  /** Only the modes that have a level label; unlabelled modes use the cluster's defaults. */
  podSecurity: Partial<Record<PsaMode, PsaPolicy>>;
}

const psaModes: readonly PsaMode[] = ['enforce', 'audit', 'warn'];
const psaLevels: readonly string[] = ['privileged', 'baseline', 'restricted'];
const psaVersionPattern = /^v1\.(?:0|[1-9][0-9]*)$/;

/** A Namespace's labels and its `pod-security.kubernetes.io/<mode>[-version]` policies. */
export function namespaceInfo(object: K8sObject): NamespaceInfo | undefined {
  if (classify(object) !== 'namespace') return undefined;
  const labels = stringMap(metadataOf(object).labels);
  const podSecurity: Partial<Record<PsaMode, PsaPolicy>> = {};
  for (const mode of psaModes) {
    const level = labels[`pod-security.kubernetes.io/${mode}`];
    if (level === undefined) continue;
    const version = labels[`pod-security.kubernetes.io/${mode}-version`] ?? 'latest';
    const problems: string[] = [];
    // An invalid value fails closed in PSA (pod-security-admission api.PolicyToEvaluate).
    const validLevel = psaLevels.includes(level);
    if (!validLevel) problems.push(`invalid ${mode} level ${JSON.stringify(level)}`);
    const validVersion = version === 'latest' || psaVersionPattern.test(version);
    if (!validVersion) problems.push(`invalid ${mode}-version ${JSON.stringify(version)}`);
    const policy: PsaPolicy = {
      level: validLevel ? (level as PsaLevel) : 'restricted',
      version: validVersion ? version : 'latest',
    };
    if (problems.length > 0) policy.problem = problems.join('; ');
    podSecurity[mode] = policy;
  }
  return { name: object.name, labels, podSecurity };
}

// --- ServiceAccount ---

export interface ServiceAccountInfo {
  name: string | undefined;
  namespace: string | undefined;
  /** undefined when not set (the API default is to mount the token). */
  automountServiceAccountToken: boolean | undefined;
  imagePullSecrets: string[];
  secrets: string[];
}

export function serviceAccountInfo(object: K8sObject): ServiceAccountInfo | undefined {
  if (classify(object) !== 'serviceAccount') return undefined;
  const { automountServiceAccountToken } = object.raw;
  return {
    name: object.name,
    namespace: object.namespace,
    automountServiceAccountToken: typeof automountServiceAccountToken === 'boolean' ? automountServiceAccountToken : undefined,
    imagePullSecrets: referenceNames(object.raw.imagePullSecrets),
    secrets: referenceNames(object.raw.secrets),
  };
}

// --- RBAC ---

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface RoleInfo {
  kind: 'Role' | 'ClusterRole';
  name: string | undefined;
  /** undefined for ClusterRoles (and Roles in the default namespace). */
  namespace: string | undefined;
  rules: PolicyRule[];
  /** Whether the ClusterRole aggregates others (its rules are then filled in by the controller). */
  aggregated: boolean;
}

export function roleInfo(object: K8sObject): RoleInfo | undefined {
  if (classify(object) !== 'role') return undefined;
  const rules = Array.isArray(object.raw.rules) ? object.raw.rules.filter(isRecord) : [];
  return {
    kind: object.kind === 'Role' ? 'Role' : 'ClusterRole',
    name: object.name,
    namespace: object.kind === 'Role' ? object.namespace : undefined,
    rules: rules.map((rule) => ({
      apiGroups: strings(rule.apiGroups),
      resources: strings(rule.resources),
      verbs: strings(rule.verbs),
      resourceNames: strings(rule.resourceNames),
      nonResourceURLs: strings(rule.nonResourceURLs),
    })),
    aggregated: isRecord(object.raw.aggregationRule),
  };
}

interface Subject {
  kind: string;
  name: string;
  /** For ServiceAccounts; undefined otherwise or when not written. */
  namespace: string | undefined;
}

export interface RoleBindingInfo {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string | undefined;
  namespace: string | undefined;
  /** undefined when missing or malformed. */
  roleRef: { kind: string; name: string } | undefined;
  subjects: Subject[];
}

export function roleBindingInfo(object: K8sObject): RoleBindingInfo | undefined {
  if (classify(object) !== 'roleBinding') return undefined;
  const ref = object.raw.roleRef;
  const roleRef = isRecord(ref) && typeof ref.kind === 'string' && typeof ref.name === 'string' ? { kind: ref.kind, name: ref.name } : undefined;
  const subjects: Subject[] = [];
  for (const subject of Array.isArray(object.raw.subjects) ? object.raw.subjects : []) {
    if (!isRecord(subject) || typeof subject.kind !== 'string' || typeof subject.name !== 'string') continue;
    subjects.push({
      kind: subject.kind,
      name: subject.name,
      namespace: typeof subject.namespace === 'string' ? subject.namespace : undefined,
    });
  }
  return {
    kind: object.kind === 'RoleBinding' ? 'RoleBinding' : 'ClusterRoleBinding',
    name: object.name,
    namespace: object.kind === 'RoleBinding' ? object.namespace : undefined,
    roleRef,
    subjects,
  };
}

// --- NetworkPolicy ---

export interface NetworkPolicyInfo {
  name: string | undefined;
  namespace: string | undefined;
  podSelector: Record<string, unknown>;
  /** An empty selector selects every pod in the namespace. */
  selectsAllPods: boolean;
  /** As written, or (when empty) the API default: `Ingress`, plus `Egress` when egress rules exist. */
  policyTypes: ('Ingress' | 'Egress')[];
  ingress: Record<string, unknown>[];
  egress: Record<string, unknown>[];
}

export function networkPolicyInfo(object: K8sObject): NetworkPolicyInfo | undefined {
  if (classify(object) !== 'networkPolicy') return undefined;
  const spec = isRecord(object.raw.spec) ? object.raw.spec : {};
  const podSelector = isRecord(spec.podSelector) ? spec.podSelector : {};
  const ingress = Array.isArray(spec.ingress) ? spec.ingress.filter(isRecord) : [];
  const egress = Array.isArray(spec.egress) ? spec.egress.filter(isRecord) : [];
  const written = strings(spec.policyTypes).filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress');
  const defaults: ('Ingress' | 'Egress')[] = egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  return {
    name: object.name,
    namespace: object.namespace,
    podSelector,
    selectsAllPods: isEmptySelector(podSelector),
    policyTypes: written.length > 0 ? written : defaults,
    ingress,
    egress,
  };
}

function isEmptySelector(selector: Record<string, unknown>): boolean {
  const { matchLabels, matchExpressions } = selector;
  const noLabels = !isRecord(matchLabels) || Object.keys(matchLabels).length === 0;
  const noExpressions = !Array.isArray(matchExpressions) || matchExpressions.length === 0;
  return noLabels && noExpressions;
}

// --- helpers ---

function metadataOf(object: K8sObject): Record<string, unknown> {
  return isRecord(object.raw.metadata) ? object.raw.metadata : {};
}

/** Label-style maps: only string values are kept (the API rejects the others). */
function stringMap(value: unknown): Record<string, string> {
  // No prototype: a `__proto__` key from untrusted input stays an ordinary entry.
  const result = Object.create(null) as Record<string, string>;
  if (!isRecord(value)) return result;
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') result[key] = entry;
  return result;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

function referenceNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => (isRecord(entry) && typeof entry.name === 'string' ? [entry.name] : []));
}
