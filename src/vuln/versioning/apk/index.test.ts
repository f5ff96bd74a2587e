import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadList, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { apkFuzzyCompare, apkScheme, type ApkVersion } from './index.js';
import { apkVersion, nearby, random, referenceCompare, referenceValid } from './test-apk.js';

const parse = (raw: string): ApkVersion => {
  const result = apkScheme.parse(raw);
  if (!result.ok) throw new Error(`${JSON.stringify(raw)}: ${result.error}`);
  return result.value;
};
const valid = (raw: string): boolean => apkScheme.parse(raw).ok;
const op = (a: string, b: string) => compareVersions(apkScheme, a, b).op;

describe('apk vectors', skipWhen(sharedAbsent), () => {
  it('pairs.tsv (apk-tools test/unit/version.data): every pair, both ways', () => {
    const pairs = loadPairs('apk');
    expect(pairs).toHaveLength(736);
    expectPairs(apkScheme, pairs, 'apk/pairs.tsv');
  });

  it('pairs-osv-scalibr.tsv: every pair, both ways', () => {
    const pairs = loadPairs('apk', 'pairs-osv-scalibr.tsv');
    expect(pairs).toHaveLength(14662);
    expectPairs(apkScheme, pairs, 'apk/pairs-osv-scalibr.tsv');
  });

  it('valid.txt parses, every invalid.txt entry is an error', () => {
    const good = loadList('apk', 'valid.txt');
    const bad = loadList('apk', 'invalid.txt');
    expect([good.length, bad.length]).toEqual([6, 24]);
    expect(good.filter((v) => !valid(v))).toEqual([]);
    expect(bad.filter(valid)).toEqual([]);
  });

  it('rejected.tsv and rejected-osv-scalibr.tsv: no order; exactly the versions apk called invalid are errors', () => {
    const pairs = [...loadPairs('apk', 'rejected.tsv'), ...loadPairs('apk', 'rejected-osv-scalibr.tsv')];
    expect(pairs).toHaveLength(2 + 95);
    const wrong: string[] = [];
    for (const { left, right, extra = '', line } of pairs) {
      const named = /invalid (.*?) \(/.exec(extra)?.[1]?.split(' ') ?? [];
      if (named.length === 0 || op(left, right) !== '?') wrong.push(`${line}: ${left} ${right} compared`);
      for (const side of [left, right]) if (valid(side) === named.includes(side)) wrong.push(`${line}: ${side} valid=${valid(side)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('fuzzy.tsv: ~ (prefix match), <~, >~ and !~ as apk_version_match, for the lines whose versions are valid', () => {
    const lines = readFileSync(sharedPath('vectors', 'apk', 'fuzzy.tsv'), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    expect(lines).toHaveLength(16);
    const holds = { '~': (r: number) => r === 0, '<~': (r: number) => r <= 0, '>~': (r: number) => r >= 0, '!~': (r: number) => r !== 0 } as const;
    const checked = lines.flatMap((line) => {
      const [left = '', fuzzyOp = '', right = ''] = line.split('\t');
      // `3.6.9_post1`: apk matches it only because it stops reading at the prefix's end; _post is no suffix.
      if (!valid(left)) return [];
      const test = holds[fuzzyOp as keyof typeof holds];
      return [`${line}: ${test(apkFuzzyCompare(parse(left), parse(right)))}`];
    });
    expect(checked).toHaveLength(14);
    expect(checked.filter((line) => !line.endsWith('true'))).toEqual([]);
    expect(valid('3.6.9_post1')).toBe(false);
  });
});

describe('apk parsing', () => {
  it('empty, blank, uppercase and stray characters are errors', () => {
    expect(apkScheme.parse('')).toEqual({ ok: false, error: 'version string is empty' });
    for (const raw of [
      ' 1.0',
      '1.0 ',
      '1.0A',
      'v1.0',
      '1.0-1',
      '1.0-r',
      '1.0_',
      '1.0~',
      '1.0~ABC',
      '1..0',
      '1.0.',
      '1.0a.1',
      '1.0\0',
      '1_constructor',
      '1.0-r1-r2',
      '1.0-r1~ab',
    ]) {
      expect(valid(raw), JSON.stringify(raw)).toBe(false);
    }
    expect(apkScheme.parse('1.0bc')).toEqual({ ok: false, error: 'letter not after a number at offset 4 ("c")' });
    expect(apkScheme.parse('1.0_foo')).toEqual({ ok: false, error: 'unknown suffix "foo" at offset 3 ("_")' });
  });

  it('keys: per token its rank then its value, ending with END', () => {
    expect(parse('1.02b_rc3~a1-r4').key).toEqual([9, 0, 1, 8, 0, 48, 50, 0, 7, 98, 1, 4, 5, 0, 3, 4, 97, 49, 0, 3, 0, 4, 2]);
    expect(parse('1.2_p').key).toEqual([9, 0, 1, 8, 1, 0, 2, 6, 10, 2]);
  });
});

describe('apk ordering', () => {
  it('after a common prefix: _alpha _beta _pre _rc before the end; then -r, ~hash, _cvs _svn _git _hg _p, a letter, a number', () => {
    const order = [
      '1.0_alpha',
      '1.0_alpha1',
      '1.0_beta',
      '1.0_pre2',
      '1.0_rc1',
      '1.0',
      '1.0-r0',
      '1.0-r1',
      '1.0~abc',
      '1.0_cvs',
      '1.0_svn',
      '1.0_git',
      '1.0_hg',
      '1.0_p1',
      '1.0a',
      '1.0.1',
    ];
    for (let i = 1; i < order.length; i++) expect(op(order[i - 1] as string, order[i] as string), `${order[i - 1]} < ${order[i]}`).toBe('<');
  });

  it('leading zeros: numbers after the first compare as text when either has one', () => {
    expect(op('1.01', '1.1')).toBe('<');
    expect(op('1.01', '1.001')).toBe('>');
    expect(op('1.0', '1.00')).toBe('<');
    expect(op('01.0', '1.0')).toBe('=');
  });

  it("numbers past 2^53 compare exactly; past 2^64 they wrap as apk-tools' uint64 does", () => {
    expect(op('1.9007199254740993', '1.9007199254740992')).toBe('>');
    expect(op('18446744073709551615', '18446744073709551614')).toBe('>');
    // 2^64 wraps to 0 in apk: an apk-tools artefact, kept because apk decides upgrades with it.
    expect(op('18446744073709551616', '0')).toBe('=');
    expect(op('18446744073709551617', '2')).toBe('<');
  });

  it('the commit hash compares as text; the revision last; either makes the version newer than without', () => {
    expect(op('1.0~1234', '1.0~2345')).toBe('<');
    expect(op('1.0~abc0', '1.0~abc')).toBe('>');
    expect(op('1.0~abc-r1', '1.0~abc-r0')).toBe('>');
    expect(op('1.0~abc', '1.0')).toBe('>');
    expect(op('1.0-r0', '1.0')).toBe('>');
  });

  it('agrees with a step-by-step port of src/version.c on 20000 generated pairs (validity and order)', () => {
    const rng = random(5);
    const failures: string[] = [];
    for (let n = 0; n < 20000; n++) {
      const left = apkVersion(rng);
      const right = rng() < 0.6 ? nearby(rng, left) : apkVersion(rng);
      for (const v of [left, right]) if (valid(v) !== referenceValid(v)) failures.push(`${v}: valid ${valid(v)}`);
      if (!valid(left) || !valid(right)) continue;
      const expected = referenceCompare(left, right);
      const got = Math.sign(apkScheme.compare(parse(left), parse(right)));
      if (got !== expected) failures.push(`${left} vs ${right}: expected ${expected}, got ${got}`);
      const fuzzy = referenceCompare(left, right, true);
      if (Math.sign(apkFuzzyCompare(parse(left), parse(right))) !== fuzzy) failures.push(`${left} ~ ${right}: expected ${fuzzy}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
