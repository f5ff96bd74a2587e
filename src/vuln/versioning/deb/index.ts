import { invalid, ok, type ParseResult, type VersionScheme } from '../scheme.js';
import { compareSortKeys, digitsValue } from '../sort-key.js';

/**
 * A Debian version, `[epoch:]upstream[-revision]`, as dpkg 1.21 parses it (lib/dpkg/parseversion.c).
 * `key` orders exactly as dpkg's `verrevcmp`.
 */
export interface DebVersion {
  readonly epoch: number;
  /** The upstream version, without epoch and revision. */
  readonly upstream: string;
  /** After the last hyphen; `''` when there is none (dpkg compares it as `0`). */
  readonly revision: string;
  /**
   * Sort key: epoch, then upstream, then revision, as numbers to compare element by element (the
   * first difference decides). Numbers, not a string: V8 compares arrays of small integers several
   * times faster than strings, and `compare` runs millions of times.
   */
  readonly key: readonly number[];
}

const INT_MAX = 2147483647;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
// c_isblank: what dpkg trims and calls an embedded space.
const isBlank = (c: number): boolean => c === 32 || c === 9;
// isspace minus the blanks: strtol skips them before the epoch, after dpkg trimmed the blanks.
const isStrtolSpace = (c: number): boolean => c >= 10 && c <= 13;

// verrevcmp's order of a non-digit: `~` lowest, then (END) a digit or the end, letters, the rest.
const TILDE = 1;
const END = 2;
const order = (c: number): number => (c === 126 ? TILDE : isAlpha(c) ? c : c + 256);

// A digit run of up to 9 digits is one element, its value. A longer one is BIG + its length, then
// its digits 9 at a time: no length limit, no precision lost, and a longer number always sorts higher.
const BIG = 1_000_000_000;

/**
 * Appends the key of one part (upstream or revision), following verrevcmp's alternation of
 * non-digit and digit runs: each non-digit's order, END (where verrevcmp sees a digit or the end,
 * order 0), then the digit run without its leading zeros. The part ends with END: no part's key is
 * a proper prefix of another's, so the keys of epoch, upstream and revision line up one after the other.
 */
function pushPart(key: number[], text: string): void {
  let i = 0;
  do {
    while (i < text.length && !isDigit(text.charCodeAt(i))) key.push(order(text.charCodeAt(i++)));
    key.push(END);
    while (text.charCodeAt(i) === 48) i++;
    const start = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    if (i - start <= 9) {
      key.push(digitsValue(text, start, i));
    } else {
      key.push(BIG + (i - start));
      for (let from = start; from < i; from += 9) key.push(digitsValue(text, from, Math.min(from + 9, i)));
    }
  } while (i < text.length);
  key.push(END);
}

/** dpkg's checks on the text after the epoch, with its messages (warnings included: dpkg would still compare). */
function checkVersion(upstream: string, revision: string): string | undefined {
  if (upstream === '') return 'version number is empty';
  if (!isDigit(upstream.charCodeAt(0))) return 'version number does not start with digit';
  for (let i = 1; i < upstream.length; i++) {
    const c = upstream.charCodeAt(i);
    // . - + ~ :
    if (!isDigit(c) && !isAlpha(c) && c !== 46 && c !== 45 && c !== 43 && c !== 126 && c !== 58) return 'invalid character in version number';
  }
  for (let i = 0; i < revision.length; i++) {
    const c = revision.charCodeAt(i);
    if (!isDigit(c) && !isAlpha(c) && c !== 46 && c !== 43 && c !== 126) return 'invalid character in revision number';
  }
  return undefined;
}

/** The epoch before `colon` as strtol reads it, or dpkg's complaint. */
function parseEpoch(raw: string, start: number, colon: number): number | string {
  let i = start;
  while (i < colon && isStrtolSpace(raw.charCodeAt(i))) i++;
  const negative = raw.charCodeAt(i) === 45;
  if (negative || raw.charCodeAt(i) === 43) i++;
  const digits = i;
  while (i < colon && isDigit(raw.charCodeAt(i))) i++;
  if (i === digits) return 'epoch in version is empty';
  if (i !== colon) return 'epoch in version is not number';
  const trimmed = raw.slice(digits, colon).replace(/^0+/, '');
  if (negative && trimmed !== '') return 'epoch in version is negative';
  // Compared as text: a 30-digit epoch is too big, not rounded into range.
  if (trimmed.length > 10 || Number(trimmed) > INT_MAX) return 'epoch in version is too big';
  return negative ? 0 : Number(trimmed);
}

function parse(raw: string): ParseResult<DebVersion> {
  // dpkg reads a C string: it could never see a NUL, so it is not a version.
  if (raw.includes('\0')) return invalid('version string has a NUL character');
  let start = 0;
  while (start < raw.length && isBlank(raw.charCodeAt(start))) start++;
  if (start === raw.length) return invalid('version string is empty');
  let end = start;
  while (end < raw.length && !isBlank(raw.charCodeAt(end))) end++;
  for (let i = end; i < raw.length; i++) {
    if (!isBlank(raw.charCodeAt(i))) return invalid('version string has embedded spaces');
  }
  let epoch = 0;
  let from = start;
  const colon = raw.indexOf(':', start);
  if (colon >= 0) {
    const parsed = parseEpoch(raw, start, colon);
    if (typeof parsed === 'string') return invalid(parsed);
    if (colon + 1 === raw.length) return invalid('nothing after colon in version number');
    epoch = parsed;
    from = colon + 1;
  }
  const version = raw.slice(from, end);
  const hyphen = version.lastIndexOf('-');
  const upstream = hyphen < 0 ? version : version.slice(0, hyphen);
  const revision = hyphen < 0 ? '' : version.slice(hyphen + 1);
  if (hyphen >= 0 && revision === '') return invalid('revision number is empty');
  const problem = checkVersion(upstream, revision);
  if (problem !== undefined) return invalid(problem);
  const key = [epoch];
  pushPart(key, upstream);
  pushPart(key, revision);
  return ok({ epoch, upstream, revision, key });
}

/**
 * Debian package versions, ordered exactly as `dpkg --compare-versions` (dpkg 1.21). Strings dpkg
 * rejects, or only warns about (no leading digit, invalid characters), do not parse.
 */
export const debScheme: VersionScheme<DebVersion> = {
  id: 'deb',
  description: 'Debian/Ubuntu package versions ([epoch:]upstream[-revision]), ordered as dpkg',
  parse,
  compare: (a, b) => compareSortKeys(a.key, b.key),
};
