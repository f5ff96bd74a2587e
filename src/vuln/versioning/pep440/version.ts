import { exactInteger, invalid, ok, type ParseResult } from '../scheme.js';

/** A number of any size: a bigint only beyond 2^53 - 1 (relational operators compare the two exactly). */
export type Pep440Number = number | bigint;

/** A normalised pre-release letter. */
type Pep440PreLetter = 'a' | 'b' | 'rc';

/** A parsed PEP 440 version: packaging's `Version` fields, plus its comparison key computed once. */
export interface Pep440Version {
  readonly epoch: Pep440Number;
  /** As written, trailing zeros kept (`1.0.0` is `[1, 0, 0]`). */
  readonly release: readonly Pep440Number[];
  readonly pre: readonly [Pep440PreLetter, Pep440Number] | null;
  readonly post: Pep440Number | null;
  readonly dev: Pep440Number | null;
  /** Lowercased, split on `.`/`-`/`_`, digit-only parts as numbers; `null` without `+`. */
  readonly local: readonly (Pep440Number | string)[] | null;
  /** The release without trailing zeros (`1.0.0` compares as `1`): packaging's `_cmpkey`. */
  readonly keyRelease: readonly Pep440Number[];
  /** packaging's `_cmpkey` suffix: pre rank (dev-only -1, a 0, b 1, rc 2, none 3), pre n, has post, post n, not dev, dev n. */
  readonly keySuffix: readonly [number, Pep440Number, number, Pep440Number, number, Pep440Number];
}

// Python's `\s` on str patterns (Unicode whitespace): what packaging strips around a version.
// Not JavaScript's `\s`, which also has U+FEFF and lacks U+001C-U+001F and U+0085.
const WS = '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*';

// packaging 26.2's VERSION_PATTERN (its form without possessive quantifiers, which packaging itself
// uses before CPython 3.11.5 and matches the same strings), anchored with `\s*` as `Version` does.
// `i` without `u`: case folding stays within ASCII, like packaging's `(?a:...)` groups (so `1.0+İ`
// is invalid, as in packaging 26).
const VERSION = new RegExp(
  `^${WS}v?` +
    '(?:' +
    '(?:([0-9]+)!)?' + // 1 epoch
    '([0-9]+(?:\\.[0-9]+)*)' + // 2 release
    '(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?' + // 3 pre_l, 4 pre_n
    '(?:-([0-9]+)|[-_.]?(post|rev|r)[-_.]?([0-9]+)?)?' + // 5 post_n1, 6 post_l, 7 post_n2
    '(?:[-_.]?(dev)[-_.]?([0-9]+)?)?' + // 8 dev_l, 9 dev_n
    ')' +
    '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?' + // 10 local
    `${WS}$`,
  'i',
);
const LOCAL_SEPARATOR = /[-_.]/;
const DIGITS = /^[0-9]+$/;
// CPython refuses to convert longer digit strings to int (sys.int_info.default_max_str_digits):
// packaging then raises ValueError, so no version.
const MAX_DIGITS = 4300;

const PRE_LETTERS: Readonly<Record<string, Pep440PreLetter>> = { a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', pre: 'rc', preview: 'rc', rc: 'rc' };
const PRE_RANK: Readonly<Record<Pep440PreLetter, number>> = { a: 0, b: 1, rc: 2 };

const tooLong = (digits: string | undefined): boolean => digits !== undefined && digits.length > MAX_DIGITS;

/** Parses as `packaging.version.Version(raw)` does (PEP 440). Never throws. */
export function parsePep440(raw: string): ParseResult<Pep440Version> {
  const m = VERSION.exec(raw);
  if (m === null) return invalid(`not a PEP 440 version: ${JSON.stringify(raw)}`);
  const [, epoch, release = '', preL, preN, postN1, postL, postN2, devL, devN, local] = m;
  const postDigits = postN1 ?? postN2;
  const localParts = local?.toLowerCase().split(LOCAL_SEPARATOR);
  if (raw.length > MAX_DIGITS) {
    const numbers = [epoch, preN, postDigits, devN, ...release.split('.'), ...(localParts ?? []).filter((part) => DIGITS.test(part))];
    if (numbers.some(tooLong)) return invalid(`a number has more than ${MAX_DIGITS} digits (Python's int limit): ${JSON.stringify(raw.slice(0, 40))}…`);
  }
  return ok(
    makeVersion(
      epoch === undefined ? 0 : exactInteger(epoch),
      release.split('.').map(exactInteger),
      // The regular expression admits only the letters of PRE_LETTERS.
      preL === undefined ? null : [PRE_LETTERS[preL.toLowerCase()] ?? 'rc', preN === undefined ? 0 : exactInteger(preN)],
      postL === undefined && postDigits === undefined ? null : postDigits === undefined ? 0 : exactInteger(postDigits),
      devL === undefined ? null : devN === undefined ? 0 : exactInteger(devN),
      localParts === undefined ? null : localParts.map((part) => (DIGITS.test(part) ? exactInteger(part) : part)),
    ),
  );
}

// Builds a version from its parts and computes packaging's `_cmpkey` for it.
function makeVersion(
  epoch: Pep440Number,
  release: readonly Pep440Number[],
  pre: readonly [Pep440PreLetter, Pep440Number] | null,
  post: Pep440Number | null,
  dev: Pep440Number | null,
  local: readonly (Pep440Number | string)[] | null,
): Pep440Version {
  let end = release.length;
  // Only numbers up to 2^53 - 1 are `number`s, so a zero is always the number 0.
  while (end > 0 && release[end - 1] === 0) end--;
  // A dev release with neither pre nor post sorts before every pre-release of its release.
  const preRank = pre !== null ? PRE_RANK[pre[0]] : post === null && dev !== null ? -1 : 3;
  return {
    epoch,
    release,
    pre,
    post,
    dev,
    local,
    keyRelease: end === release.length ? release : release.slice(0, end),
    keySuffix: [preRank, pre === null ? 0 : pre[1], post === null ? 0 : 1, post ?? 0, dev === null ? 1 : 0, dev ?? 0],
  };
}

/** The normalised form, as `str(packaging.version.Version(raw))`: `1.0RC1-1` is `1.0rc1.post1`. */
export function formatPep440(v: Pep440Version): string {
  let text = v.release.join('.');
  if (v.epoch !== 0) text = `${v.epoch}!${text}`;
  if (v.pre !== null) text += `${v.pre[0]}${v.pre[1]}`;
  if (v.post !== null) text += `.post${v.post}`;
  if (v.dev !== null) text += `.dev${v.dev}`;
  if (v.local !== null) text += `+${v.local.join('.')}`;
  return text;
}
