import { invalid, ok, type ParseResult, type VersionScheme } from '../scheme.js';
import { compareSortKeys, digitsValue } from '../sort-key.js';

/**
 * An RPM `[epoch:]version[-release]`, split as rpm 4.18's `rpmverParse` splits it. `key` orders
 * exactly as `rpmverCmp` (what `rpm.ver()` comparisons use).
 */
export interface RpmVersion {
  /** The epoch's digits as written, `'0'` for a bare `:`; undefined when absent (compares as 0). */
  readonly epoch: string | undefined;
  readonly version: string;
  /** After the last hyphen; undefined when there is none, which sorts before every release, even `''`. */
  readonly release: string | undefined;
  /**
   * Sort key: epoch, version, then release, as numbers to compare element by element (the first
   * difference decides, then the shorter key is older). Numbers, not a string: V8 compares arrays of
   * small integers several times faster than strings, and `compare` runs millions of times.
   */
  readonly key: readonly number[];
}

/*
 * Token values, in rpmvercmp's order: `~` sorts before everything, even the end; `^` after the end
 * but before any segment; a letter segment (ALPHA, its letters, 0) before any numeric segment.
 */
const TILDE = 1;
const END = 2;
const CARET = 3;
const ALPHA = 4;
// A digit run of up to 9 digits is NUMBER + its value. A longer one is NUMBER + BIG + its length,
// then its digits 9 at a time: no length limit, no precision lost, and a longer number always sorts higher.
const NUMBER = 16;
const BIG = 1_000_000_000;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Appends the key of one rpmvercmp operand. Separators (anything but ASCII letters, digits, `~`,
 * `^`) only split segments, so they leave no trace. A letter run ends with 0 (strcmp: a prefix sorts
 * first); a digit run drops its leading zeros. The part ends with END: no part's key is a proper
 * prefix of another's, so the keys of epoch, version and release line up one after the other.
 */
function pushPart(key: number[], text: string): void {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 126) {
      key.push(TILDE);
      i++;
    } else if (c === 94) {
      key.push(CARET);
      i++;
    } else if (isDigit(c)) {
      while (text.charCodeAt(i) === 48) i++;
      const start = i;
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
      if (i - start <= 9) {
        key.push(NUMBER + digitsValue(text, start, i));
      } else {
        key.push(NUMBER + BIG + (i - start));
        for (let from = start; from < i; from += 9) key.push(digitsValue(text, from, Math.min(from + 9, i)));
      }
    } else if (isAlpha(c)) {
      key.push(ALPHA);
      while (i < text.length && isAlpha(text.charCodeAt(i))) key.push(text.charCodeAt(i++));
      key.push(0);
    } else {
      i++;
    }
  }
  key.push(END);
}

function parse(raw: string): ParseResult<RpmVersion> {
  if (raw === '') return invalid('version string is empty');
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    // rpm would compare them as separators, but no rpm package has them (rpmbuild refuses them):
    // a blank or control character means the string was cut or read wrong.
    if (c <= 32 || c === 127) return invalid(`${c === 32 ? 'space' : 'control character'} at offset ${i}`);
  }
  let digits = 0;
  while (digits < raw.length && isDigit(raw.charCodeAt(digits))) digits++;
  const hasEpoch = raw.charCodeAt(digits) === 58;
  const epoch = hasEpoch ? raw.slice(0, digits) || '0' : undefined;
  const from = hasEpoch ? digits + 1 : 0;
  const hyphen = raw.lastIndexOf('-');
  const release = hyphen >= from ? raw.slice(hyphen + 1) : undefined;
  const version = raw.slice(from, hyphen >= from ? hyphen : raw.length);
  // rpm.ver() would take it, but no package has an empty version (rpmverNew refuses one).
  if (version === '') return invalid('version is empty');
  const key: number[] = [];
  pushPart(key, epoch ?? '0');
  pushPart(key, version);
  if (release !== undefined) pushPart(key, release);
  return ok({ epoch, version, release, key });
}

/**
 * RPM versions (`[epoch:]version[-release]`), ordered exactly as rpm 4.18 orders them: `rpmvercmp`
 * on each part (`~` before everything, `^` after the base but before the next segment, numbers by
 * value, numbers newer than letters), epoch absent = 0, release absent = older than any release.
 * Empty strings, empty versions and strings with blanks or control characters do not parse.
 */
export const rpmScheme: VersionScheme<RpmVersion> = {
  id: 'rpm',
  description: 'RPM package versions ([epoch:]version[-release]), ordered as rpm',
  parse,
  compare: (a, b) => compareSortKeys(a.key, b.key),
};
