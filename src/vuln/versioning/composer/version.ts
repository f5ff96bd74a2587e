import { exactInteger, invalid, ok, type ParseResult } from '../scheme.js';

/**
 * One `.`-separated component. `weight` orders non-numeric ones: `dev` 0 (and any unknown word),
 * `a…` 1, `b…` 2, `RC…`/`rc…` 3, `#` 4 (also a number's weight against a word), `p…` 5.
 */
export interface ComposerComponent {
  /** The value when the component is all digits. */
  readonly number: number | bigint | undefined;
  readonly weight: number;
  /** Whether Go's `strconv.Atoi` reads it (digits within int64): osv-scalibr's test for a trailing number. */
  readonly atoi: boolean;
}

/** A parsed Packagist version: its canonical components. */
export interface ComposerVersion {
  readonly components: readonly ComposerComponent[];
}

/** The weight of `#`, which a number takes against a word. */
export const NUMBER_WEIGHT = 4;
const SPECIALS = ['dev', 'a', 'b', 'rc', '#', 'p'] as const;
const INT64_MAX = 9223372036854775807n;
const DIGITS = /^\d+$/;
const PRINTABLE = /^[\x21-\x7e]+$/;
const ALNUM = /[0-9A-Za-z]/;

function weigh(word: string): number {
  if (word.startsWith('RC')) return 3;
  const i = SPECIALS.findIndex((s) => word.startsWith(s));
  return i < 0 ? 0 : i;
}

function component(text: string): ComposerComponent {
  if (!DIGITS.test(text)) return { number: undefined, weight: weigh(text), atoi: false };
  const number = exactInteger(text);
  return { number, weight: NUMBER_WEIGHT, atoi: typeof number === 'number' || number <= INT64_MAX };
}

/**
 * osv-scalibr's canonical form of PHP's `version_compare`: a leading `v` then `V` dropped, `-`,
 * `_` and `+` read as `.`, and a `.` put between digits and other characters.
 */
function canonicalize(raw: string): string {
  let v = raw.startsWith('v') ? raw.slice(1) : raw;
  if (v.startsWith('V')) v = v.slice(1);
  return v
    .replace(/[-_+]/g, '.')
    .replace(/([^\d.])(\d)/g, '$1.$2')
    .replace(/(\d)([^\d.])/g, '$1.$2');
}

/**
 * Parses a Packagist version the way osv-scalibr does (any string, split into components); errors
 * only for what cannot be a version: the empty string, whitespace, control or non-ASCII
 * characters, or nothing alphanumeric after the leading `v`. Never throws.
 */
export function parseComposer(raw: string): ParseResult<ComposerVersion> {
  if (!PRINTABLE.test(raw)) {
    return invalid(raw === '' ? 'empty version' : `not a Packagist version (whitespace, control or non-ASCII character): ${JSON.stringify(raw)}`);
  }
  const canonical = canonicalize(raw);
  if (!ALNUM.test(canonical)) return invalid(`not a Packagist version (no letter or digit): ${JSON.stringify(raw)}`);
  return ok({ components: canonical.split('.').map(component) });
}
