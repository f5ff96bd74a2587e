import { pluralWord } from '../../../core/text.js';
import { joinQuote } from '../access.js';
import type { CheckResult } from '../types.js';

/** `container "a" must …` / `containers "a", "b" must …`, as PSA words its details. */
export function containersMust(names: readonly string[], what: string): string {
  return `${pluralWord(names.length, 'container')} ${joinQuote(names)} ${what}`;
}

/** A failed result. */
export function forbid(reason: string, detail: string): CheckResult {
  return { allowed: false, reason, detail };
}

/** Unique values, first occurrence order (PSA sorts sets; order does not matter to callers). */
export function uniq(values: readonly string[]): string[] {
  return [...new Set(values)];
}
