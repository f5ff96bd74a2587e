import { fingerprintOf } from '../../rules/fingerprint.js';
import type { RuleFinding } from '../../rules/rule.js';
import { compareText } from './drop-ins.js';
import { hostRules } from './registry.js';
import type { HostConfigFile, HostRule } from './rule.js';

export interface CheckHostConfigOptions {
  /** The rules to run (default: all of `hostRules`). */
  rules?: readonly HostRule[];
}

/**
 * Checks a host's engine configuration (as `collectEngineConfig` read it) against the host rules: each
 * rule sees each file of its kinds, with all files beside it. Fingerprints hold the rule, the host path
 * and the message, not the line: they survive edits elsewhere in the file. Sorted by path, line, rule, message.
 */
export function checkHostConfig(files: readonly HostConfigFile[], options: CheckHostConfigOptions = {}): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const rule of options.rules ?? hostRules) {
    for (const file of files) {
      if (!rule.kinds.includes(file.kind)) continue;
      for (const draft of rule.check(file, files)) findings.push({ ...draft, fingerprint: fingerprintOf(draft.ruleId, draft.location.file, draft.message) });
    }
  }
  return findings.sort(
    (a, b) =>
      compareText(a.location.file ?? '', b.location.file ?? '') ||
      (a.location.startLine ?? 0) - (b.location.startLine ?? 0) ||
      compareText(a.ruleId, b.ruleId) ||
      compareText(a.message, b.message),
  );
}
