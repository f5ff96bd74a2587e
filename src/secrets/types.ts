import type { RuleExamples, RuleMeta } from '../rules/rule.js';

/**
 * Where a rule looks. `content` rules run over file contents and over every string of the image
 * config (ENV values, labels, history lines); the others run only over their kind of config string,
 * written as `NAME=value` (build args are read out of `created_by` history lines).
 */
export type SecretScope = 'content' | 'env' | 'label' | 'build-arg';

/** One secret-detection rule. Rules are data: the scanner is generic. */
export interface SecretRule {
  meta: RuleMeta;
  scope: SecretScope;
  /** Lower-case literals; the pattern only runs if the lower-cased text contains one of them. */
  keywords: string[];
  /** Must have the `g` flag. */
  pattern: RegExp;
  /** Capture group holding the secret itself; when absent or unmatched, the whole match. */
  secretGroup?: number | undefined;
  /** Only files whose absolute path matches (e.g. config files for the generic password rule). */
  paths?: RegExp | undefined;
  /** Extra check on a candidate (placeholders, JWT header shape); false drops it. */
  accept?: ((secret: string, match: RegExpExecArray) => boolean) | undefined;
  /** Good and bad examples; `examplePath` is the path they are scanned as (default `/app/example.txt`). */
  examples: RuleExamples & { examplePath?: string };
}

/** One match in one text, as stored in the layer scan (plain JSON; never the secret itself). */
export interface SecretMatch {
  ruleId: string;
  /** 1-based. */
  line: number;
  /** 1-based, in bytes of the line for file contents. */
  column: number;
  /** At most the first 4 characters, then `****`. */
  masked: string;
  /** Offset and length of the secret in the scanned text (characters; bytes for file contents). */
  offset: number;
  length: number;
  /** First 16 hex digits of the secret's sha256: tells secrets apart without showing them. */
  hash: string;
}
