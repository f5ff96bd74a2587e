import { ownEntry } from '../../../core/records.js';
import { invalid, ok, type ParseResult } from '../scheme.js';

/**
 * A token's class, which is also its order against a token of another class (the POM reference's
 * "`.qualifier` < `-qualifier` < `-number` < `.number`"): 0 `.qualifier`, 1 `-qualifier`,
 * 2 `-number`, 3 `.number`. The first token counts as `.`-prefixed.
 */
type MavenTokenClass = 0 | 1 | 2 | 3;

/**
 * One token. For a number, `rank` is its digit count and `text` its digits without leading
 * zeros, so two numbers compare by rank then text, whatever their size. For a qualifier, `rank` is
 * its place among the known qualifiers (7 for an unknown one) and `text` the lower-cased
 * qualifier, which orders unknown qualifiers lexically.
 */
export interface MavenToken {
  readonly cls: MavenTokenClass;
  readonly rank: number;
  readonly text: string;
}

/** A parsed Maven version: its tokens after the trailing-null trimming. */
export interface MavenVersion {
  readonly tokens: readonly MavenToken[];
}

/** Known qualifiers in order; `ga`, `final` and `release` are aliases of `""`, `cr` of `rc`. */
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'] as const;

/** The rank of the empty qualifier, the release: below it a pre-release, above it `sp` and the unknown. */
export const RELEASE_RANK = 5;
const UNKNOWN_RANK = QUALIFIERS.length;

const ALIASES: Readonly<Record<string, string>> = { cr: 'rc', ga: '', final: '', release: '' };
// `a1`, `b2`, `m3`: the one-letter spellings count only when a number follows directly.
const SHORTHANDS: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };

// Printable ASCII: no whitespace, control or non-ASCII character is ever in a published version.
const PRINTABLE = /^[\x21-\x7e]+$/;
// One run of digits or of non-digits, inside a `.`/`-`-separated part.
const RUN = /\d+|\D+/g;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function qualifier(hyphen: boolean, value: string): MavenToken {
  const rank = QUALIFIERS.indexOf(value as (typeof QUALIFIERS)[number]);
  return { cls: hyphen ? 1 : 0, rank: rank < 0 ? UNKNOWN_RANK : rank, text: value };
}

function number(hyphen: boolean, digits: string): MavenToken {
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === 48) start++;
  const text = digits.slice(start);
  return { cls: hyphen ? 2 : 3, rank: text.length, text };
}

/** A `0` or an empty qualifier: what the trimming removes from the end of each `-` group. */
function isNullToken(t: MavenToken): boolean {
  return t.cls >= 2 ? t.text === '0' : t.rank === RELEASE_RANK;
}

/** The tokens of one `.`/`-`-separated part: digit/letter transitions split it further, as `-`. */
function pushPart(tokens: MavenToken[], part: string, hyphen: boolean): void {
  // An empty part (`1..2`, `1-`) is a zero.
  if (part === '') {
    tokens.push(number(hyphen, '0'));
    return;
  }
  const runs = part.match(RUN) ?? [];
  runs.forEach((run, j) => {
    const prefixHyphen = j === 0 ? hyphen : true;
    if (isDigit(run.charCodeAt(0))) {
      tokens.push(number(prefixHyphen, run));
      return;
    }
    let value = ownEntry(ALIASES, run) ?? run;
    if (j < runs.length - 1) value = ownEntry(SHORTHANDS, value) ?? value;
    tokens.push(qualifier(prefixHyphen, value));
  });
}

/**
 * Starting from the end, trailing nulls (`0`, `""`, `final`, `ga`) are removed; then the same is
 * done before each remaining hyphen-prefixed token, from the end to the start. The first token stays.
 */
function trimNulls(tokens: MavenToken[]): void {
  let i = tokens.length - 1;
  while (i > 0) {
    const token = tokens[i] as MavenToken;
    if (isNullToken(token)) {
      tokens.splice(i, 1);
      i--;
      continue;
    }
    while (i >= 0 && (tokens[i] as MavenToken).cls !== 1 && (tokens[i] as MavenToken).cls !== 2) i--;
    i--;
  }
}

/**
 * Parses a Maven version by the POM reference's version order specification. Any printable ASCII
 * string is a version (as for Maven itself); the empty string and strings with whitespace, control
 * or non-ASCII characters are errors. Never throws.
 */
export function parseMaven(raw: string): ParseResult<MavenVersion> {
  if (!PRINTABLE.test(raw)) {
    return invalid(raw === '' ? 'empty version' : `not a Maven version (whitespace, control or non-ASCII character): ${JSON.stringify(raw)}`);
  }
  const lower = raw.toLowerCase();
  const tokens: MavenToken[] = [];
  let start = 0;
  let hyphen = false;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : -1;
    if (c !== 46 && c !== 45 && c !== -1) continue; // not `.`, `-` or the end
    pushPart(tokens, lower.slice(start, i), hyphen);
    hyphen = c === 45;
    start = i + 1;
  }
  trimNulls(tokens);
  return ok({ tokens });
}
