import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { formatSemver, semverScheme } from './index.js';

describe('semver vectors', () => {
  it('node-semver strict comparisons and equalities (pairs.tsv)', skipWhen(sharedAbsent), () => {
    const pairs = loadPairs('semver');
    expect(pairs).toHaveLength(40);
    expectPairs(semverScheme, pairs, 'semver/pairs.tsv');
  });

  it('osv-scalibr semver-versions.txt (pairs-osv-scalibr.tsv)', skipWhen(sharedAbsent), () => {
    const pairs = loadPairs('semver', 'pairs-osv-scalibr.tsv');
    expect(pairs).toHaveLength(83);
    expectPairs(semverScheme, pairs, 'semver/pairs-osv-scalibr.tsv');
  });

  it('rejected-osv-scalibr.tsv: big numbers are ordered; one or five release numbers are errors', skipWhen(sharedAbsent), () => {
    const rejected = loadPairs('semver', 'rejected-osv-scalibr.tsv');
    expect(rejected).toHaveLength(3);
    // SemVer sets no size limit: the upstream claim holds here, unlike in node-semver.
    const threeNumbers = rejected.filter((p) => p.left.split('.').length === 3);
    expect(threeNumbers).toHaveLength(1);
    expectPairs(semverScheme, threeNumbers, 'semver/rejected-osv-scalibr.tsv');
    // `999…991` alone lacks minor and patch; in `1.1.3.4.5` osv-scalibr reads `.4.5` as build
    // metadata: guesses SemVer does not allow.
    for (const p of rejected.filter((q) => !threeNumbers.includes(q))) {
      expect(compareVersions(semverScheme, p.left, p.right).op, p.left).toBe('?');
    }
  });

  it('the loose node-semver spellings are errors, except a plain leading v', skipWhen(sharedAbsent), () => {
    const lenient = loadPairs('semver', 'pairs-lenient.tsv');
    expect(lenient).toHaveLength(59);
    const strictEnough = (v: string) => /^v?\d/.test(v);
    const accepted = lenient.filter((p) => strictEnough(p.left) && strictEnough(p.right));
    expectPairs(semverScheme, accepted, 'semver/pairs-lenient.tsv');
    for (const p of lenient.filter((q) => !accepted.includes(q))) {
      expect(compareVersions(semverScheme, p.left, p.right).op, `${p.left} ${p.right}`).toBe('?');
    }
  });
});

describe('semverScheme', () => {
  const cmp = (a: string, b: string) => compareVersions(semverScheme, a, b).op;

  it('orders the semver.org §11 example chain', () => {
    const chain = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '2.0.0',
      '2.1.0',
      '2.1.1',
    ];
    for (let i = 1; i < chain.length; i++) expect(cmp(chain[i - 1] ?? '', chain[i] ?? '')).toBe('<');
  });

  it('compares numbers of any size exactly', () => {
    expect(cmp('9007199254740993.0.0', '9007199254740992.0.0')).toBe('>');
    expect(cmp('1.0.0-9007199254740993', '1.0.0-9007199254740992')).toBe('>');
    expect(cmp('1.0.0-99999999999999999999', '1.0.0-a')).toBe('<');
    expect(cmp('18446744073709551616.0.0', '2.0.0')).toBe('>');
  });

  it('ignores build metadata, and identifiers compare in ASCII order', () => {
    expect(cmp('1.0.0+20130313144700', '1.0.0+exp.sha.5114f85')).toBe('=');
    expect(cmp('1.0.0-beta+exp.sha.5114f85', '1.0.0-beta')).toBe('=');
    expect(cmp('1.0.0-B', '1.0.0-a')).toBe('<');
    expect(cmp('1.0.0--', '1.0.0-0')).toBe('>');
  });

  it.each([
    '',
    '1',
    '1.2',
    '1.2.3.4',
    '01.2.3',
    '1.02.3',
    '1.2.03',
    '1.2.3-01',
    '1.2.3-',
    '1.2.3-a..b',
    '1.2.3+',
    '1.2.3+a..b',
    '1.2.3-a_b',
    'V1.2.3',
    'vv1.2.3',
    '=1.2.3',
    ' 1.2.3',
    '1.2.3 ',
    '1.2.3\n',
    '1.2.3beta',
    '١.2.3',
  ])('rejects %j', (raw) => {
    const result = semverScheme.parse(raw);
    expect(result.ok).toBe(false);
  });

  it('accepts what SemVer allows that looks odd', () => {
    for (const raw of ['1.2.3-0a', '1.2.3-a-', '1.2.3--1', '1.2.3+001', '1.2.3+-', 'v0.0.0']) {
      expect(semverScheme.parse(raw).ok, raw).toBe(true);
    }
  });

  it('formats canonically', () => {
    const parsed = semverScheme.parse('v1.2.3-rc.1+build.5');
    expect(parsed.ok && formatSemver(parsed.value)).toBe('1.2.3-rc.1+build.5');
  });
});
