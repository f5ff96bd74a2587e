import type { DockerdSettings } from './dockerd.js';
import { booleanOf, dockerdSettings } from './dockerd.js';
import { daemonJson, dockerDropIn, dockerUnit } from './examples.js';
import type { HostConfigKind, HostFindingDraft, HostRule, HostRuleExamples, HostRuleMeta } from './rule.js';
import { hostFinding } from './rule.js';

/** The files dockerd's settings come from: findings of dockerd rules are located in one of them. */
const dockerdKinds: readonly HostConfigKind[] = ['docker-daemon', 'docker-unit', 'docker-socket-unit', 'docker-env'];

/**
 * A rule over dockerd's combined settings. `evaluate` sees the whole host's settings; each file is
 * given the findings located in it, so a finding is reported once, wherever it was set.
 */
export function dockerdRule(meta: HostRuleMeta, examples: HostRuleExamples, evaluate: (settings: DockerdSettings) => HostFindingDraft[]): HostRule {
  return {
    meta,
    kinds: dockerdKinds,
    examples,
    check: (file, all) => evaluate(dockerdSettings(all)).filter((finding) => finding.location.file === file.path),
  };
}

/** What a dockerd boolean rule checks: daemon.json `key` (the flag `--key`) should be `wanted`. */
export interface BooleanOption {
  key: string;
  wanted: boolean;
  /** What the other value lets happen, ending the message (`containers on the default bridge can reach each other`). */
  risk: string;
}

/**
 * A rule that a dockerd boolean option is `wanted`: a finding where it is set otherwise, or — dockerd's
 * default being the other value — at daemon.json (else the unit) when no file sets it.
 */
export function dockerdBooleanRule(meta: HostRuleMeta, option: BooleanOption): HostRule {
  const { key, wanted, risk } = option;
  const examples: HostRuleExamples = {
    bad: [
      [daemonJson({})],
      [daemonJson({ [key]: !wanted })],
      [daemonJson({ [key]: wanted }), dockerUnit(`-H fd:// --${key}=${!wanted}`)],
      [dockerUnit('-H fd://')],
    ],
    good: [[daemonJson({ [key]: wanted })], [dockerUnit(`-H fd:// --${key}=${wanted}`)], [daemonJson({}), dockerDropIn('override.conf', `--${key}=${wanted}`)]],
  };
  return dockerdRule(meta, examples, (settings) => {
    const set = settings.option(key);
    if (set === undefined) return unsetFinding(meta, settings, `dockerd's "${key}" is not set (default ${!wanted}): ${risk}`);
    if (booleanOf(set.value) === wanted) return [];
    return [hostFinding(meta, set.from.path, `dockerd is configured with ${set.written}: ${risk}`, { line: set.from.line })];
  });
}

/** A finding that no file sets an option, at daemon.json (else the unit); none when Docker has neither, or daemon.json's content is unknown. */
export function unsetFinding(meta: HostRuleMeta, settings: DockerdSettings, message: string): HostFindingDraft[] {
  return settings.anchor === undefined || !settings.known ? [] : [hostFinding(meta, settings.anchor, message)];
}
