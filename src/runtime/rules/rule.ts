import type { RuleExamples, RuleFinding, RuleMeta } from '../../rules/rule.js';
import type { K8sObject } from '../manifests/load.js';

/** A workload rule's metadata: the shared RuleMeta plus the equivalent checks of other tools. */
export interface WorkloadRuleMeta extends RuleMeta {
  /** Kubescape control ids (`C-0034`). */
  kubescape?: string[] | undefined;
  /** kube-linter check names (`latest-tag`). */
  kubeLinter?: string[] | undefined;
  /** Polaris check ids (`tagNotSpecified`). */
  polaris?: string[] | undefined;
  /** Checkov ids (`CKV_K8S_14`). */
  checkov?: string[] | undefined;
}

/** What every rule sees: the whole input (estate-wide rules need RBAC, namespaces, NetworkPolicies). */
interface WorkloadContext {
  objects: readonly K8sObject[];
  /** `--allowed-registries`: registry hosts, or host/path prefixes; undefined disables the registry rule. */
  allowedRegistries?: readonly string[] | undefined;
}

/** The object (and container) a finding is about; used for messages and fingerprints. */
interface FindingSubject {
  kind: string;
  /** As written; undefined means none was written. */
  namespace: string | undefined;
  name: string | undefined;
  container?: string | undefined;
}

/** A finding before its fingerprint is computed (`checkWorkloads` adds it and drops `subject`). */
export type WorkloadFindingDraft = Omit<RuleFinding, 'fingerprint'> & { subject: FindingSubject };

/** One workload rule: pure, it reads the loaded objects and returns its findings. */
export interface WorkloadRule {
  meta: WorkloadRuleMeta;
  /** Manifests (YAML) that must give ≥ 1 finding of this rule (bad) or none (good). */
  examples: RuleExamples;
  /** Options the examples are checked with (e.g. an allow-list for the registry rule). */
  exampleContext?: Omit<WorkloadContext, 'objects'> | undefined;
  check(context: WorkloadContext): WorkloadFindingDraft[];
}

/**
 * A finding of `meta` about `object`, at the line of the field `path` when it exists, else of the
 * first of `fallbacks` that exists, else of the object itself.
 */
export function findingAt(
  meta: WorkloadRuleMeta,
  object: K8sObject,
  paths: readonly (readonly (string | number)[])[],
  message: string,
  container?: string | undefined,
): WorkloadFindingDraft {
  let line: number | undefined;
  for (const path of paths) {
    line = object.lineOf(path);
    if (line !== undefined) break;
  }
  return {
    ruleId: meta.id,
    title: meta.title,
    severity: meta.severity,
    message,
    location: { file: object.file, startLine: line ?? object.line },
    subject: { kind: object.kind, namespace: object.namespace, name: object.name, container },
  };
}

/** Kinds without a namespace that the rules report on. */
const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

/** `Deployment prod/web` (the namespace shown as `default` when none is written), `ClusterRoleBinding ci-admin`. */
export function describeObject(object: Pick<K8sObject, 'kind' | 'namespace' | 'name'>): string {
  const name = object.name ?? '(unnamed)';
  return clusterScoped.has(object.kind) ? `${object.kind} ${name}` : `${object.kind} ${object.namespace ?? 'default'}/${name}`;
}

/** `Deployment prod/web container "app"`. */
export function describeContainer(object: Pick<K8sObject, 'kind' | 'namespace' | 'name'>, container: string | undefined): string {
  return `${describeObject(object)} container ${JSON.stringify(container ?? '(unnamed)')}`;
}
