import { int, pick, type Rng } from '../../../test-support/random.js';

export { random } from '../../../test-support/random.js';

function digits(rng: Rng): string {
  const roll = rng();
  if (roll < 0.1) return '0'.repeat(1 + int(rng, 2)) + String(int(rng, 20));
  if (roll < 0.15) return Array.from({ length: 18 + int(rng, 8) }, () => String(int(rng, 10))).join('');
  return String(int(rng, roll < 0.7 ? 10 : 1000));
}

const suffixes = ['alpha', 'beta', 'pre', 'rc', 'cvs', 'svn', 'git', 'hg', 'p'];

/** A random version, usually valid for apk, sometimes not (a stray piece where apk refuses it). */
export function apkVersion(rng: Rng): string {
  let out = digits(rng);
  for (let n = int(rng, 4); n > 0; n--) out += `.${digits(rng)}`;
  if (rng() < 0.2) out += pick(rng, ['a', 'b', 'z']);
  for (let n = rng() < 0.35 ? 1 + int(rng, 2) : 0; n > 0; n--) out += `_${pick(rng, suffixes)}${rng() < 0.7 ? digits(rng) : ''}`;
  if (rng() < 0.1) out += `~${pick(rng, ['1234abcd', 'deadbeef', '0', 'f00'])}`;
  if (rng() < 0.6) out += `-r${digits(rng)}`;
  if (rng() < 0.08) out += pick(rng, ['.1', 'a', '_rc', '-r1', '~ab', '_foo', 'A', '.', '-', '_']);
  return out;
}

/** A small edit, so that pairs are close as well as far apart. */
export function nearby(rng: Rng, version: string): string {
  switch (int(rng, 8)) {
    case 0:
      return version.replace(/\.(\d)/, '.0$1');
    case 1:
      return version.replace(/(\d+)(?!.*\d)/, (run) => String(BigInt(run) + 1n));
    case 2:
      return version.replace(/(-r\d+)?$/, `_${pick(rng, suffixes)}$1`);
    case 3:
      return version.replace(/-r\d+$/, '');
    case 4:
      return version.replace(/(-r\d+)?$/, '.0$1');
    case 5:
      return version.replace(/(\d)((?:-r\d+)?)$/, '$1a$2');
    case 6:
      return version.replace(/(-r\d+)?$/, '~abc$1');
    default:
      return version;
  }
}

// The reference: apk-tools 3 src/version.c followed step by step on the raw string, numbers as BigInt
// wrapped to uint64 — independent of the parsed arrays index.ts compares.
const INITIAL_DIGIT = 0,
  DIGIT = 1,
  LETTER = 2,
  SUFFIX = 3,
  SUFFIX_NO = 4,
  COMMIT_HASH = 5,
  REVISION_NO = 6,
  END = 7,
  INVALID = 8;
const SUFFIX_VALUES = ['', 'alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg', 'p'];

interface Token {
  token: number;
  suffix: number;
  number: bigint;
  value: string;
  rest: string;
}

function pullDigits(t: Token): void {
  const run = /^\d*/.exec(t.rest)?.[0] ?? '';
  t.number = BigInt.asUintN(64, BigInt(run || '0'));
  t.value = run;
  t.rest = t.rest.slice(run.length);
  if (run === '') t.token = INVALID;
}

function next(t: Token): void {
  if (t.rest === '') {
    t.token = END;
    return;
  }
  const c = t.rest[0] as string;
  if (c >= 'a' && c <= 'z') {
    if (t.token > DIGIT) {
      t.token = INVALID;
      return;
    }
    t.value = c;
    t.token = LETTER;
    t.rest = t.rest.slice(1);
  } else if (c === '.' || (c >= '0' && c <= '9')) {
    if (c === '.') {
      if (t.token > DIGIT) {
        t.token = INVALID;
        return;
      }
      t.rest = t.rest.slice(1);
    }
    if (t.token === INITIAL_DIGIT || t.token === DIGIT) t.token = DIGIT;
    else if (t.token === SUFFIX) t.token = SUFFIX_NO;
    else {
      t.token = INVALID;
      return;
    }
    pullDigits(t);
  } else if (c === '_') {
    if (t.token > SUFFIX_NO) {
      t.token = INVALID;
      return;
    }
    const word = /^_([a-z]*)/.exec(t.rest)?.[1] ?? '';
    t.rest = t.rest.slice(1 + word.length);
    t.suffix = word === '' ? 0 : Math.max(0, SUFFIX_VALUES.indexOf(word));
    t.token = t.suffix === 0 ? INVALID : SUFFIX;
  } else if (c === '~') {
    if (t.token >= COMMIT_HASH) {
      t.token = INVALID;
      return;
    }
    const hash = /^~([0-9a-f]*)/.exec(t.rest)?.[1] ?? '';
    t.rest = t.rest.slice(1 + hash.length);
    t.value = hash;
    t.token = hash === '' ? INVALID : COMMIT_HASH;
  } else if (c === '-') {
    if (t.token >= REVISION_NO || !t.rest.startsWith('-r')) {
      t.token = INVALID;
      return;
    }
    t.rest = t.rest.slice(2);
    t.token = REVISION_NO;
    pullDigits(t);
  } else {
    t.token = INVALID;
  }
}

function first(raw: string): Token {
  const t: Token = { token: INITIAL_DIGIT, suffix: 0, number: 0n, value: '', rest: raw };
  pullDigits(t);
  return t;
}

/** apk_version_validate. */
export function referenceValid(raw: string): boolean {
  const t = first(raw);
  while (t.token < END) next(t);
  return t.token === END;
}

const sign = (a: string | bigint | number, b: string | bigint | number): number => (a < b ? -1 : a > b ? 1 : 0);

function tokenCmp(a: Token, b: Token): number {
  switch (a.token) {
    case DIGIT:
      if (a.value[0] === '0' || b.value[0] === '0') return sign(a.value, b.value);
      return sign(a.number, b.number);
    case INITIAL_DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      return sign(a.number, b.number);
    case LETTER:
      return sign(a.value, b.value);
    case SUFFIX:
      return sign(a.suffix, b.suffix);
    default:
      return sign(a.value, b.value);
  }
}

/** apk_version_compare_fuzzy, on raw strings. */
export function referenceCompare(left: string, right: string, fuzzy = false): number {
  const a = first(left);
  const b = first(right);
  for (; a.token === b.token && a.token < END; next(a), next(b)) {
    const r = tokenCmp(a, b);
    if (r !== 0) return r;
  }
  if (a.token === b.token) return 0;
  if (b.token === END && fuzzy) return 0;
  if (a.token === SUFFIX && a.suffix < 5) return -1;
  if (b.token === SUFFIX && b.suffix < 5) return 1;
  if (a.token > b.token) return -1;
  if (b.token > a.token) return 1;
  return 0;
}
