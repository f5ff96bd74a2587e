import { fingerprintOf } from '../../rules/fingerprint.js';
import type { RuleFinding } from '../../rules/rule.js';
import type { K8sObject } from '../manifests/load.js';
import { workloadRules } from './registry.js';
import type { WorkloadFindingDraft, WorkloadRule } from './rule.js';

/** Options of `checkWorkloads`. */
export interface CheckWorkloadsOptions {
  /** `--allowed-registries`; when undefined, SS-K8S-003 does not run. */
  allowedRegistries?: readonly string[] | undefined;
  /** The rules to run; all of them by default. */
  rules?: readonly WorkloadRule[] | undefined;
}

/**
 * Runs the workload rules (SS-K8S-NNN) over loaded manifests or a live cluster dump: fingerprinted
 * findings sorted by file, line, rule id and message.
 */
export function checkWorkloads(objects: readonly K8sObject[], options: CheckWorkloadsOptions = {}): RuleFinding[] {
  const context = { objects, allowedRegistries: options.allowedRegistries };
  return (options.rules ?? workloadRules)
    .flatMap((rule) => rule.check(context))
    .map(fingerprinted)
    .sort(
      (a, b) =>
        (a.location.file ?? '').localeCompare(b.location.file ?? '') ||
        (a.location.startLine ?? 0) - (b.location.startLine ?? 0) ||
        a.ruleId.localeCompare(b.ruleId) ||
        a.message.localeCompare(b.message),
    );
}

function fingerprinted({ subject, ...finding }: WorkloadFindingDraft): RuleFinding {
  const { kind, namespace, name, container } = subject;
  // No line: a finding keeps its fingerprint when lines above it are added or removed.
  return { ...finding, fingerprint: fingerprintOf(finding.ruleId, finding.location.file, kind, namespace, name, container, finding.message) };
}
