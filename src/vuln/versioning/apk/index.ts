import { invalid, ok, type ParseResult, type VersionScheme } from '../scheme.js';

/*
 * Token kinds of apk-tools 3 (src/version.c), in its order. Where two versions first differ in the
 * kind of token (or one ends: END, 7), the one whose kind comes later is older, except that a
 * pre-release suffix is older than anything.
 * Alpine version: digit{.digit}...{letter}{_suffix{digits}}...{~hash}{-r#}
 */
const INITIAL_DIGIT = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const COMMIT_HASH = 5;
const REVISION_NO = 6;

// Suffix values: those below NONE (pre-releases) sort before the bare version, the rest after it.
const SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['alpha', 1],
  ['beta', 2],
  ['pre', 3],
  ['rc', 4],
  ['cvs', 6],
  ['svn', 7],
  ['git', 8],
  ['hg', 9],
  ['p', 10],
]);
const SUFFIX_NONE = 5;

/*
 * The key starts each token with its rank: the kinds reversed (a later kind sorts lower), and
 * lowest of all a pre-release suffix, which makes a version older even than its end. Tokens of the
 * same kind then compare by what follows the rank, as apk's token_cmp does.
 */
const RANK_PRE_SUFFIX = 1;
const rank = (kind: number): number => 9 - kind;
// rank(END): the end of a version, after every other kind.
const RANK_END = 2;

/** A parsed apk version. */
export interface ApkVersion {
  readonly raw: string;
  /**
   * Sort key: per token its rank, then its value (numbers as apk's uint64, high and low 32 bits;
   * text as character codes ended by 0), ending with END's rank. Compared element by element, the
   * first difference decides: a flat array of small integers compares with no allocation.
   */
  readonly key: readonly number[];
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLower = (c: number): boolean => c >= 97 && c <= 122;
const isHex = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102);

/** apk_blob_pull_uint into a uint64: digit by digit in two 32-bit halves, wrapping past 2^64 as C does. */
function pushUint64(key: number[], text: string, from: number, to: number): void {
  let high = 0;
  let low = 0;
  for (let i = from; i < to; i++) {
    const next = low * 10 + (text.charCodeAt(i) - 48);
    const carry = Math.floor(next / 4294967296);
    low = next - carry * 4294967296;
    high = (high * 10 + carry) % 4294967296;
  }
  key.push(high, low);
}

/** Text compared as apk_blob_sort compares it: bytes, then the shorter first. */
function pushText(key: number[], text: string, from: number, to: number): void {
  for (let i = from; i < to; i++) key.push(text.charCodeAt(i));
  key.push(0);
}

function parse(raw: string): ParseResult<ApkVersion> {
  const key: number[] = [];
  const scan = (from: number, accept: (c: number) => boolean): number => {
    let i = from;
    while (i < raw.length && accept(raw.charCodeAt(i))) i++;
    return i;
  };
  const fail = (at: number, why: string): ParseResult<ApkVersion> =>
    invalid(at >= raw.length ? `${why} at the end` : `${why} at offset ${at} (${JSON.stringify(raw[at])})`);

  if (raw === '') return invalid('version string is empty');
  let i = scan(0, isDigit);
  if (i === 0) return fail(0, 'expected a digit');
  key.push(rank(INITIAL_DIGIT));
  pushUint64(key, raw, 0, i);
  let last = INITIAL_DIGIT;
  while (i < raw.length) {
    const c = raw.charCodeAt(i);
    const at = i;
    if (isLower(c)) {
      if (last > DIGIT) return fail(at, 'letter not after a number');
      key.push(rank(LETTER), c);
      last = LETTER;
      i++;
    } else if (c === 46 /* . */ || isDigit(c)) {
      if (c === 46 && last > DIGIT) return fail(at, 'dot not after a number');
      if (c === 46) i++;
      const kind = last === INITIAL_DIGIT || last === DIGIT ? DIGIT : last === SUFFIX ? SUFFIX_NO : -1;
      if (kind < 0) return fail(at, 'digit in the wrong place');
      const end = scan(i, isDigit);
      if (end === i) return fail(i, 'expected a digit');
      key.push(rank(kind));
      // A component with a leading zero compares as text (Gentoo: 1.01 < 1.1), so below any without one.
      if (kind === DIGIT && raw.charCodeAt(i) === 48) {
        key.push(0);
        pushText(key, raw, i, end);
      } else {
        if (kind === DIGIT) key.push(1);
        pushUint64(key, raw, i, end);
      }
      last = kind;
      i = end;
    } else if (c === 95 /* _ */) {
      if (last > SUFFIX_NO) return fail(at, 'suffix after a hash or revision');
      const end = scan(i + 1, isLower);
      const word = raw.slice(i + 1, end);
      const value = SUFFIXES.get(word);
      if (value === undefined) return fail(at, `unknown suffix ${JSON.stringify(word)}`);
      key.push(value < SUFFIX_NONE ? RANK_PRE_SUFFIX : rank(SUFFIX), value);
      last = SUFFIX;
      i = end;
    } else if (c === 126 /* ~ */) {
      if (last >= COMMIT_HASH) return fail(at, 'second hash, or hash after the revision');
      const end = scan(i + 1, isHex);
      if (end === i + 1) return fail(i + 1, 'expected a lowercase hex commit hash');
      key.push(rank(COMMIT_HASH));
      pushText(key, raw, i + 1, end);
      last = COMMIT_HASH;
      i = end;
    } else if (c === 45 /* - */) {
      if (last >= REVISION_NO || raw.charCodeAt(i + 1) !== 114 /* r */) return fail(at, 'hyphen not starting the one -r revision');
      const end = scan(i + 2, isDigit);
      if (end === i + 2) return fail(i + 2, 'expected the revision number');
      key.push(rank(REVISION_NO));
      pushUint64(key, raw, i + 2, end);
      last = REVISION_NO;
      i = end;
    } else {
      return fail(at, 'invalid character');
    }
  }
  key.push(RANK_END);
  return ok({ raw, key });
}

/**
 * apk_version_compare_fuzzy on keys: element by element, the first difference decides. `fuzzy`
 * lets `b` match as a prefix: a difference at b's END (always its last element, at a token
 * boundary since all before it is equal) counts as equal.
 */
function compareKeys(a: readonly number[], b: readonly number[], fuzzy: boolean): number {
  const length = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return fuzzy && i === b.length - 1 ? 0 : x < y ? -1 : 1;
  }
  return 0;
}

/**
 * apk's fuzzy comparison (the `~` of dependencies: `3.6.9 ~ 3.6`): 0 when `prefix` matches `version`
 * token for token up to the prefix's end, else the order as `compare` gives it.
 */
export function apkFuzzyCompare(version: ApkVersion, prefix: ApkVersion): number {
  return compareKeys(version.key, prefix.key, true);
}

/**
 * Alpine (and Wolfi, Chainguard) package versions, ordered exactly as apk-tools 3 (`apk version -t`).
 * Only versions `apk version -c` calls valid parse: apk-tools orders invalid ones as plain strings,
 * which is no version order at all.
 */
export const apkScheme: VersionScheme<ApkVersion> = {
  id: 'apk',
  description: 'Alpine/Wolfi package versions (1.2.3a_rc1~hash-r4), ordered as apk-tools',
  parse,
  compare: (a, b) => compareKeys(a.key, b.key, false),
};
