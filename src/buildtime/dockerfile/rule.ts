import type { RuleExamples, RuleFinding, RuleMeta } from '../../rules/rule.js';
import type { DockerInstruction, ParsedDockerfile, SourceRange } from './model.js';

/** A Dockerfile rule's metadata: the shared RuleMeta plus its hadolint and CIS Docker Benchmark equivalents. */
export interface DockerfileRuleMeta extends RuleMeta {
  /** hadolint ids (`DL3008`), comma-separated when several. */
  hadolint?: string | undefined;
  /** CIS Docker Benchmark v1.6.0 recommendation (`4.1`). */
  cis?: string | undefined;
}

/** A finding before its fingerprint is computed (lintDockerfile adds it). */
export type DockerfileFindingDraft = Omit<RuleFinding, 'fingerprint'>;

/** One Dockerfile rule: pure, it reads the parsed Dockerfile and returns its findings. */
export interface DockerfileRule {
  meta: DockerfileRuleMeta;
  examples: RuleExamples;
  check(dockerfile: ParsedDockerfile): DockerfileFindingDraft[];
}

/** A finding of `meta` at an instruction (or any range) of the Dockerfile. */
export function findingAt(
  meta: DockerfileRuleMeta,
  dockerfile: ParsedDockerfile,
  at: DockerInstruction | SourceRange,
  message: string,
): DockerfileFindingDraft {
  const range = 'range' in at ? at.range : at;
  return { ruleId: meta.id, title: meta.title, severity: meta.severity, message, location: { file: dockerfile.file, ...range } };
}
