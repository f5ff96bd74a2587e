import type { Diagnostic } from '../../core/diagnostics.js';
import { messageOf } from '../../core/errors.js';
import { fingerprintOf } from '../../rules/fingerprint.js';
import type { RuleFinding } from '../../rules/rule.js';
import type { LoadComposeOptions } from './load.js';
import { loadCompose } from './load.js';
import { composeRules } from './registry.js';
import type { ComposeRule } from './rule.js';

/** What `checkCompose` found. */
export interface CheckComposeResult {
  /** Sorted by line, then rule id, then message. */
  findings: RuleFinding[];
  diagnostics: Diagnostic[];
}

export interface CheckComposeOptions extends LoadComposeOptions {
  /** The rules to run (default: all of `composeRules`). */
  rules?: readonly ComposeRule[];
}

/**
 * Checks a docker-compose file against the compose rules (CIS Docker Benchmark section 5). Never
 * throws: unreadable input, and a rule that fails, become diagnostics. Fingerprints hold the rule,
 * file and message (which names the service and what matched), not the line: they survive edits elsewhere.
 */
export function checkCompose(name: string, text: string, options: CheckComposeOptions = {}): CheckComposeResult {
  const { services, diagnostics } = loadCompose(name, text, options);
  const findings: RuleFinding[] = [];
  for (const service of services) {
    for (const rule of options.rules ?? composeRules) {
      try {
        for (const draft of rule.check(service, name)) {
          findings.push({ ...draft, fingerprint: fingerprintOf(draft.ruleId, draft.location.file, draft.message) });
        }
      } catch (error) {
        // a rule bug must not hide the other rules' findings
        diagnostics.push({
          level: 'error',
          code: 'compose.rule-failed',
          message: `rule ${rule.meta.id} failed on service ${JSON.stringify(service.name)}: ${messageOf(error)}`,
          where: `${name}:${service.line}`,
        });
      }
    }
  }
  findings.sort((a, b) => (a.location.startLine ?? 0) - (b.location.startLine ?? 0) || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message));
  return { findings, diagnostics };
}
