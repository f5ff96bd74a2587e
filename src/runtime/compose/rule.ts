import type { RuleExamples, RuleFinding, RuleMeta } from '../../rules/rule.js';
import type { ComposePath, ComposeService } from './load.js';

/** A compose rule's metadata: the shared RuleMeta plus its CIS Docker Benchmark v1.6.0 recommendation. */
export interface ComposeRuleMeta extends RuleMeta {
  /** CIS Docker Benchmark v1.6.0 recommendation (`5.5`). */
  cis?: string | undefined;
}

/** A finding before its fingerprint is computed (`checkCompose` adds it). */
export type ComposeFindingDraft = Omit<RuleFinding, 'fingerprint'>;

/** One compose rule: pure, it reads one service and returns its findings. Examples are compose YAML. */
export interface ComposeRule {
  meta: ComposeRuleMeta;
  examples: RuleExamples;
  check(service: ComposeService, file: string): ComposeFindingDraft[];
}

/**
 * A finding of `meta` in `service`, located at the field at `path` (the service's own line when the
 * field is absent, as for a missing `read_only`). Messages carry no line numbers: they feed fingerprints.
 */
export function findingAt(meta: ComposeRuleMeta, service: ComposeService, file: string, path: ComposePath, message: string): ComposeFindingDraft {
  const startLine = (path.length > 0 ? service.lineOf(path) : undefined) ?? service.line;
  return {
    ruleId: meta.id,
    title: meta.title,
    severity: meta.severity,
    message: `service ${JSON.stringify(service.name)}: ${message}`,
    location: { file, startLine },
  };
}
