import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { rpmScheme, type RpmVersion } from './index.js';
import { nearby, random, rpmEvr, rpmString, rpmvercmp } from './test-rpm.js';

const parse = (raw: string): RpmVersion => {
  const result = rpmScheme.parse(raw);
  if (!result.ok) throw new Error(`${JSON.stringify(raw)}: ${result.error}`);
  return result.value;
};
const error = (raw: string): string | undefined => {
  const result = rpmScheme.parse(raw);
  return result.ok ? undefined : result.error;
};
const op = (a: string, b: string) => compareVersions(rpmScheme, a, b).op;

describe('rpm vectors', skipWhen(sharedAbsent), () => {
  it('pairs.tsv (rpm tests/rpmvercmp.at, bare versions: rpmvercmp): every pair, both ways', () => {
    const pairs = loadPairs('rpm');
    expect(pairs).toHaveLength(91);
    expectPairs(rpmScheme, pairs, 'rpm/pairs.tsv');
  });

  it('pairs-osv-scalibr.tsv (full EVRs: rpm.ver comparison): every pair, both ways', () => {
    const pairs = loadPairs('rpm', 'pairs-osv-scalibr.tsv');
    expect(pairs).toHaveLength(165);
    expectPairs(rpmScheme, pairs, 'rpm/pairs-osv-scalibr.tsv');
  });
});

describe('rpm parsing', () => {
  it('splits as rpmverParse: epoch only when digits lead up to the first colon, release after the last hyphen', () => {
    expect(parse('1:2.3-4.el9')).toEqual(expect.objectContaining({ epoch: '1', version: '2.3', release: '4.el9' }));
    expect(parse('2.3')).toEqual(expect.objectContaining({ epoch: undefined, version: '2.3', release: undefined }));
    expect(parse(':2.3')).toEqual(expect.objectContaining({ epoch: '0', version: '2.3' }));
    expect(parse('a:1')).toEqual(expect.objectContaining({ epoch: undefined, version: 'a:1' }));
    expect(parse('1:2:3-4-5')).toEqual(expect.objectContaining({ epoch: '1', version: '2:3-4', release: '5' }));
    expect(parse('1-')).toEqual(expect.objectContaining({ version: '1', release: '' }));
  });

  it('empty strings and versions, blanks and control characters are errors', () => {
    expect(error('')).toBe('version string is empty');
    expect(error('-1')).toBe('version is empty');
    expect(error('1:')).toBe('version is empty');
    expect(error('1:-2')).toBe('version is empty');
    expect(error(' 1.0')).toBe('space at offset 0');
    expect(error('1.0\n')).toBe('control character at offset 3');
    expect(error('1.0\0')).toBe('control character at offset 3');
  });

  it('non-ASCII characters are separators, as bytes are for rpm', () => {
    expect(op('1.1.α', '1.1.ββ')).toBe('=');
    expect(op('1.1α2', '1.1.2')).toBe('=');
  });
});

describe('rpm ordering', () => {
  it('~ before everything, ^ after the base but before the next segment', () => {
    expect(op('1.0~rc1', '1.0')).toBe('<');
    expect(op('1.0~rc1', '1.0~')).toBe('>');
    expect(op('1.0^', '1.0')).toBe('>');
    expect(op('1.0^git1', '1.0.1')).toBe('<');
    expect(op('1.0^git1', '1.0a')).toBe('<');
    expect(op('1.0^~', '1.0^')).toBe('<');
  });

  it('numbers of any length by value, leading zeros ignored; numbers newer than letters', () => {
    const big = '123456789012345678901234567890';
    expect(op(`1.${big}`, `1.${big.slice(0, -1)}9`)).toBe('<');
    expect(op(`1.0000${big}`, `1.${big}`)).toBe('=');
    expect(op('9007199254740993', '9007199254740992')).toBe('>');
    expect(op('1.1', '1.a')).toBe('>');
    expect(op('1.a', '1.B')).toBe('>');
  });

  it('EVR: epoch absent = 0 and compared by value; release absent sorts before any release, even an empty one', () => {
    expect(op('1.0', '0:1.0')).toBe('=');
    expect(op('00:1.0', ':1.0')).toBe('=');
    expect(op('1:1.0', '2.0')).toBe('>');
    expect(op(`${'9'.repeat(30)}:1`, `${'9'.repeat(29)}:1`)).toBe('>');
    expect(op('1.0', '1.0-1')).toBe('<');
    expect(op('1.0', '1.0-')).toBe('<');
    expect(op('1.0-', '1.0-~')).toBe('>');
    expect(op('1.0-1', '1.0-1.el9')).toBe('<');
  });

  it('the sort keys agree with rpmvercmp on 20000 generated string pairs, and with rpmverCmp on 20000 EVR pairs', () => {
    const rng = random(11);
    const failures: string[] = [];
    for (let n = 0; n < 20000; n++) {
      const left = rpmString(rng);
      const right = rng() < 0.6 ? nearby(rng, left) : rpmString(rng);
      if (left.includes('-') || left.includes(':') || right.includes('-') || right.includes(':')) continue;
      const expected = Math.sign(rpmvercmp(left, right));
      if (Math.sign(rpmScheme.compare(parse(left), parse(right))) !== expected) failures.push(`${left} vs ${right}: rpmvercmp ${expected}`);
    }
    const part = (a: string | undefined, b: string | undefined) =>
      a === undefined ? (b === undefined ? 0 : -1) : b === undefined ? 1 : Math.sign(rpmvercmp(a, b));
    for (let n = 0; n < 20000; n++) {
      const left = rpmEvr(rng);
      const right = rng() < 0.6 ? nearby(rng, left) : rpmEvr(rng);
      const a = rpmScheme.parse(left);
      const b = rpmScheme.parse(right);
      if (!a.ok || !b.ok) continue;
      const expected = part(a.value.epoch ?? '0', b.value.epoch ?? '0') || part(a.value.version, b.value.version) || part(a.value.release, b.value.release);
      if (Math.sign(rpmScheme.compare(a.value, b.value)) !== expected) failures.push(`${left} vs ${right}: rpmverCmp ${expected}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
