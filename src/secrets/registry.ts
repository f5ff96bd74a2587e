import { cloudRules } from './rules/cloud.js';
import { fileRules } from './rules/files.js';
import { imageConfigRules } from './rules/image-config.js';
import { tokenRules } from './rules/tokens.js';
import type { SecretRule } from './types.js';

/**
 * Every secret rule, most specific first: when two rules match the same characters the earlier
 * one wins (an AWS secret key in `app.ini` is reported as that, not as a generic password).
 */
export const secretRules: readonly SecretRule[] = [...cloudRules, ...tokenRules, ...fileRules, ...imageConfigRules];

const byId = new Map(secretRules.map((rule) => [rule.meta.id, rule]));

/** The rule with this permanent id, if any. */
export function secretRule(id: string): SecretRule | undefined {
  return byId.get(id);
}

/** The rules minus the disabled ids. */
export function enabledSecretRules(disable: readonly string[] = []): SecretRule[] {
  const off = new Set(disable);
  return secretRules.filter((rule) => !off.has(rule.meta.id));
}
