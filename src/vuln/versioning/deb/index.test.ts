import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadList, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { debScheme, type DebVersion } from './index.js';
import { debVersion, nearby, random, verrevcmp } from './test-dpkg.js';

const parse = (raw: string): DebVersion => {
  const result = debScheme.parse(raw);
  if (!result.ok) throw new Error(`${JSON.stringify(raw)}: ${result.error}`);
  return result.value;
};
const error = (raw: string): string | undefined => {
  const result = debScheme.parse(raw);
  return result.ok ? undefined : result.error;
};
const op = (a: string, b: string) => compareVersions(debScheme, a, b).op;
const sign = (n: number) => Math.sign(n);

describe('deb vectors', skipWhen(sharedAbsent), () => {
  it('pairs.tsv (dpkg Dpkg_Version.t and apt compareversion_test.cc): every pair, both ways', () => {
    const pairs = loadPairs('deb');
    expect(pairs).toHaveLength(107);
    expectPairs(debScheme, pairs, 'deb/pairs.tsv');
  });

  it('pairs-osv-scalibr.tsv: every pair, both ways', () => {
    const pairs = loadPairs('deb', 'pairs-osv-scalibr.tsv');
    expect(pairs).toHaveLength(14472);
    expectPairs(debScheme, pairs, 'deb/pairs-osv-scalibr.tsv');
  });

  it('invalid.txt: every version is an error', () => {
    const versions = loadList('deb', 'invalid.txt');
    expect(versions).toHaveLength(8);
    expect(versions.filter((v) => debScheme.parse(v).ok)).toEqual([]);
  });

  it("rejected.tsv: no order, and each version dpkg complained about is an error with dpkg's own message", () => {
    const pairs = loadPairs('deb', 'rejected.tsv');
    expect(pairs).toHaveLength(8);
    for (const { left, right, extra = '' } of pairs) {
      expect(compareVersions(debScheme, left, right).op).toBe('?');
      const complaints = new Map([...extra.matchAll(/version '(.*?)' has bad syntax: ([^|]*?)(?: \||$)/g)].map((m) => [m[1], m[2]]));
      expect(complaints.size).toBeGreaterThan(0);
      // dpkg stops at its first error, so only the sides it named are checked.
      for (const [side, message] of complaints) expect(error(side ?? '')).toBe(message);
    }
  });
});

describe('deb parsing', () => {
  it('splits epoch, upstream and the revision after the last hyphen', () => {
    expect(parse('1:2.30-1+deb11u2')).toMatchObject({ epoch: 1, upstream: '2.30', revision: '1+deb11u2' });
    expect(parse('2.4.7-1-2')).toMatchObject({ epoch: 0, upstream: '2.4.7-1', revision: '2' });
    expect(parse('7:1-a:b-5')).toMatchObject({ epoch: 7, upstream: '1-a:b', revision: '5' });
    expect(parse('1.0')).toMatchObject({ epoch: 0, upstream: '1.0', revision: '' });
  });

  it('empty, blank and spaced strings are errors; surrounding blanks are trimmed as dpkg does', () => {
    expect(error('')).toBe('version string is empty');
    expect(error(' \t ')).toBe('version string is empty');
    expect(error('1.0 2')).toBe('version string has embedded spaces');
    expect(error('1.0\n')).toBe('invalid character in version number');
    expect(op(' 1.0\t', '1.0')).toBe('=');
  });

  it("epochs: digits that fit in an int; strtol's sign and leading whitespace are accepted as dpkg accepts them", () => {
    expect(error(':1.0')).toBe('epoch in version is empty');
    expect(error('a:1.0')).toBe('epoch in version is empty');
    expect(error('1a:1.0')).toBe('epoch in version is not number');
    expect(error('1.0:2')).toBe('epoch in version is not number');
    expect(error('-1:2')).toBe('epoch in version is negative');
    expect(error('2147483648:1')).toBe('epoch in version is too big');
    expect(error('99999999999999999999999:1')).toBe('epoch in version is too big');
    expect(error('1:')).toBe('nothing after colon in version number');
    expect(parse('2147483647:1').epoch).toBe(2147483647);
    expect(parse('000000000000002147483647:1').epoch).toBe(2147483647);
    expect(op('+1:2', '1:2')).toBe('=');
    expect(op('-0:2', '2')).toBe('=');
    expect(op('\n1:2', '1:2')).toBe('=');
    expect(op('2147483647:0', '2147483646:9')).toBe('>');
  });

  it('upstream must start with a digit; only the characters dpkg allows', () => {
    expect(error('foo5.2')).toBe('version number does not start with digit');
    expect(error('-1')).toBe('version number is empty');
    expect(error('1.0-')).toBe('revision number is empty');
    expect(error('1_0')).toBe('invalid character in version number');
    expect(error('1:1.0-a:b')).toBe('invalid character in revision number');
    expect(error('1.0-a-')).toBe('revision number is empty');
    expect(error('1.0é')).toBe('invalid character in version number');
    expect(error('1.0\0')).toBe('version string has a NUL character');
  });
});

describe('deb ordering', () => {
  it('~ sorts before everything, even the end; letters before other characters', () => {
    expect(op('1.0~rc1', '1.0')).toBe('<');
    expect(op('1.0~~', '1.0~')).toBe('<');
    expect(op('1.0a', '1.0+')).toBe('<');
    expect(op('1.0Z', '1.0a')).toBe('<');
    expect(op('1.0', '1.0a')).toBe('<');
    expect(op('1.0+', '1.0.')).toBe('<');
  });

  it('digit runs compare as numbers of any length, leading zeros ignored', () => {
    const big = '123456789012345678901234567890';
    expect(op(`1.${big}`, `1.${big.slice(0, -1)}9`)).toBe('<');
    expect(op(`1.${big}1`, `1.${big}`)).toBe('>');
    expect(op(`1.000${big}`, `1.${big}`)).toBe('=');
    expect(op('9007199254740993', '9007199254740992')).toBe('>');
    expect(op(`1.${'9'.repeat(70000)}`, `1.1${'0'.repeat(70000)}`)).toBe('<');
  });

  it('epoch first, then upstream, then revision (missing revision = 0)', () => {
    expect(op('1:0.1', '0:9.9')).toBe('>');
    expect(op('1.0-1', '1.0-0')).toBe('>');
    expect(op('1.0', '1.0-0')).toBe('=');
    expect(op('1.0', '1.0-~')).toBe('>');
    expect(op('1.0-10', '1.0-9')).toBe('>');
  });

  it('the sort keys agree with verrevcmp, character by character, on 20000 generated pairs', () => {
    const rng = random(7);
    const failures: string[] = [];
    for (let n = 0; n < 20000; n++) {
      const left = debVersion(rng);
      const right = rng() < 0.6 ? nearby(rng, left) : debVersion(rng);
      const a = debScheme.parse(left);
      const b = debScheme.parse(right);
      if (!a.ok || !b.ok) continue;
      const expected =
        sign(a.value.epoch - b.value.epoch) || sign(verrevcmp(a.value.upstream, b.value.upstream)) || sign(verrevcmp(a.value.revision, b.value.revision));
      if (sign(debScheme.compare(a.value, b.value)) !== expected) failures.push(`${left} vs ${right}: expected ${expected}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
