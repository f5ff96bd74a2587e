import type { RuleFinding } from '../../rules/rule.js';
import { fingerprintOf } from '../../rules/fingerprint.js';
import type { InheritedConfig } from './image-config.js';
import type { ParsedDockerfile } from './model.js';
import { parseDockerfile } from './parse.js';
import { dockerfileRules } from './registry.js';
import type { DockerfileFindingDraft, DockerfileRule } from './rule.js';
import { malformed } from './rules/malformed.js';

export interface LintOptions {
  /** The Dockerfile path as the user gave it (copied into findings and fingerprints). */
  file: string;
  /** Whether a `.dockerignore` sits next to the Dockerfile: the caller checks the disk, rules stay pure. */
  hasDockerignore?: boolean | undefined;
  /** `--build-arg NAME=value` pairs: they override ARG defaults. */
  buildArgs?: Readonly<Record<string, string>> | undefined;
  /** The rules to run; all of them by default. */
  rules?: readonly DockerfileRule[] | undefined;
  /**
   * The final stage's parent image as its Dockerfile gives it, when that Dockerfile was read (in an
   * estate): rules about the final image (user, health check, exposed ports) then use the values it
   * inherits. Without it the parent is not read, and the rules say so where it matters.
   */
  inherited?: InheritedConfig | undefined;
}

/**
 * Lints a Dockerfile: parses it and runs every rule, returning fingerprinted findings sorted by
 * line, then column, then rule id. Never throws: a Dockerfile the parser cannot handle, or a rule
 * that fails on it, yields a SS-DF-038 (malformed Dockerfile) finding instead.
 */
export function lintDockerfile(content: string, options: LintOptions): RuleFinding[] {
  let dockerfile: ParsedDockerfile;
  try {
    dockerfile = { ...parseDockerfile(content, options), inherited: options.inherited };
  } catch (error) {
    return [fingerprinted(failure(options.file, `the Dockerfile could not be parsed: ${messageOf(error)}`))];
  }
  const drafts = (options.rules ?? dockerfileRules).flatMap((rule) => {
    try {
      return rule.check(dockerfile);
    } catch (error) {
      // a rule bug must not hide the other rules' findings
      return [failure(options.file, `rule ${rule.meta.id} failed on this Dockerfile: ${messageOf(error)}`)];
    }
  });
  return drafts
    .map(fingerprinted)
    .sort(
      (a, b) =>
        (a.location.startLine ?? 0) - (b.location.startLine ?? 0) ||
        (a.location.startColumn ?? 0) - (b.location.startColumn ?? 0) ||
        a.ruleId.localeCompare(b.ruleId) ||
        a.message.localeCompare(b.message),
    );
}

function failure(file: string, message: string): DockerfileFindingDraft {
  const { id, title, severity } = malformed.meta;
  return { ruleId: id, title, severity, message, location: { file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 } };
}

function fingerprinted(draft: DockerfileFindingDraft): RuleFinding {
  return { ...draft, fingerprint: fingerprintOf(draft.ruleId, draft.location.file, draft.location.startLine, draft.message) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
