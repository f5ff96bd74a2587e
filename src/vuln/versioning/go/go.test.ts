import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadPairs, type VectorPair } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { formatGoVersion, goScheme } from './index.js';

const withV = (v: string) => (v.startsWith('v') ? v : `v${v}`);
const cmp = (a: string, b: string) => compareVersions(goScheme, a, b).op;

describe('go: the semver vectors', () => {
  it('hold with a v prefix added, and as written (v optional)', skipWhen(sharedAbsent), () => {
    for (const [file, count] of [
      ['pairs.tsv', 40],
      ['pairs-osv-scalibr.tsv', 83],
    ] as const) {
      const pairs = loadPairs('semver', file);
      expect(pairs, file).toHaveLength(count);
      const prefixed: VectorPair[] = pairs.map((p) => ({ ...p, left: withV(p.left), right: withV(p.right) }));
      expectPairs(goScheme, prefixed, `semver/${file} (v added)`);
      expectPairs(goScheme, pairs, `semver/${file}`);
    }
  });

  it('rejected-osv-scalibr.tsv: big numbers and shorthands order as in Go; 1.1.3.4.5 is an error', skipWhen(sharedAbsent), () => {
    const rejected = loadPairs('semver', 'rejected-osv-scalibr.tsv');
    expect(rejected).toHaveLength(3);
    // x/mod/semver compares numbers as digit strings (no limit), and `v999…` is a shorthand.
    const ordered = rejected.filter((p) => !p.left.startsWith('1.1.3.4'));
    expect(ordered).toHaveLength(2);
    expectPairs(
      goScheme,
      ordered.map((p) => ({ ...p, left: withV(p.left), right: withV(p.right) })),
      'semver/rejected-osv-scalibr.tsv',
    );
    expect(cmp('v1.1.3.4.5', 'v1.1.3.4.5')).toBe('?');
  });
});

// golang.org/x/mod semver/semver_test.go (golang/mod @ 8b446299501e373f4d7a7d8869d5646e9bfb2e96,
// BSD-3-Clause): its `tests` table, input and Canonical output ('' = invalid), in ascending order.
// TestCompare expects Compare(tests[i], tests[j]) to be 0 when outputs match, else sign(i - j).
const xmodTests: readonly (readonly [string, string])[] = [
  ['bad', ''],
  ['v1-alpha.beta.gamma', ''],
  ['v1-pre', ''],
  ['v1+meta', ''],
  ['v1-pre+meta', ''],
  ['v1.2-pre', ''],
  ['v1.2+meta', ''],
  ['v1.2-pre+meta', ''],
  ['v1.0.0-alpha', 'v1.0.0-alpha'],
  ['v1.0.0-alpha.1', 'v1.0.0-alpha.1'],
  ['v1.0.0-alpha.beta', 'v1.0.0-alpha.beta'],
  ['v1.0.0-beta', 'v1.0.0-beta'],
  ['v1.0.0-beta.2', 'v1.0.0-beta.2'],
  ['v1.0.0-beta.11', 'v1.0.0-beta.11'],
  ['v1.0.0-rc.1', 'v1.0.0-rc.1'],
  ['v1', 'v1.0.0'],
  ['v1.0', 'v1.0.0'],
  ['v1.0.0', 'v1.0.0'],
  ['v1.2', 'v1.2.0'],
  ['v1.2.0', 'v1.2.0'],
  ['v1.2.3-456', 'v1.2.3-456'],
  ['v1.2.3-456.789', 'v1.2.3-456.789'],
  ['v1.2.3-456-789', 'v1.2.3-456-789'],
  ['v1.2.3-456a', 'v1.2.3-456a'],
  ['v1.2.3-pre', 'v1.2.3-pre'],
  ['v1.2.3-pre+meta', 'v1.2.3-pre'],
  ['v1.2.3-pre.1', 'v1.2.3-pre.1'],
  ['v1.2.3-zzz', 'v1.2.3-zzz'],
  ['v1.2.3', 'v1.2.3'],
  ['v1.2.3+meta', 'v1.2.3'],
  ['v1.2.3+meta-pre', 'v1.2.3'],
  ['v1.2.3+meta-pre.sha.256a', 'v1.2.3'],
];

describe('goScheme: x/mod/semver test table', () => {
  it('IsValid and Canonical', () => {
    for (const [input, canonical] of xmodTests) {
      const parsed = goScheme.parse(input);
      expect(parsed.ok ? formatGoVersion(parsed.value) : '', input).toBe(canonical);
    }
  });

  it('Compare, on every pair of valid entries (invalid ones are errors here, not "least")', () => {
    const valid = xmodTests.filter(([, canonical]) => canonical !== '');
    const failures: string[] = [];
    valid.forEach(([a, ca], i) =>
      valid.forEach(([b, cb], j) => {
        const want = ca === cb ? '=' : i < j ? '<' : '>';
        const got = cmp(a, b);
        if (got !== want) failures.push(`${a} ${want} ${b}, got ${got}`);
      }),
    );
    expect(failures).toEqual([]);
    expect([cmp('v1', 'v1'), cmp('v2', 'v1'), cmp('v1', 'v2'), cmp('v1.19', 'v1.2')]).toEqual(['=', '>', '<', '>']);
    for (const [input] of xmodTests.filter(([, canonical]) => canonical === '')) expect(cmp(input, 'v1.0.0'), input).toBe('?');
  });
});

describe('goScheme: Go specifics', () => {
  it('ignores +incompatible', () => {
    expect(cmp('v2.0.0+incompatible', 'v2.0.0')).toBe('=');
    expect(cmp('v2.0.1+incompatible', 'v2.0.0')).toBe('>');
    expect(cmp('v4.1.0-rc.1+incompatible', 'v4.1.0')).toBe('<');
  });

  it('orders pseudo-versions by their pre-release rules (cmd/go module.PseudoVersion forms)', () => {
    const ascending = [
      'v0.0.0-20190101000000-aaaaaaaaaaaa',
      'v0.0.0-20210101000000-abcdef123456',
      'v0.0.0-20210101000001-000000000000',
      'v0.0.0',
      'v1.2.3-pre',
      'v1.2.3-pre.0.20210101000000-abcdef123456',
      'v1.2.3-pre.0.20220101000000-abcdef123456',
      'v1.2.3-pre.1',
      'v1.2.3',
      'v1.2.4-0.20210101000000-abcdef123456',
      'v1.2.4-0.20220101000000-000000000000',
      'v1.2.4-alpha',
      'v1.2.4',
    ];
    for (let i = 1; i < ascending.length; i++) expect(cmp(ascending[i - 1] ?? '', ascending[i] ?? ''), ascending[i]).toBe('<');
    expect(cmp('v1.2.4-0.20210101000000-abcdef123456+incompatible', 'v1.2.4-0.20210101000000-abcdef123456')).toBe('=');
  });

  it('reads OSV versions without v, and OSV introduced "0"', () => {
    expect(cmp('1.2.3', 'v1.2.3')).toBe('=');
    expect(cmp('0', 'v0.0.0')).toBe('=');
    expect(cmp('0', 'v0.0.0-20210101000000-abcdef123456')).toBe('>');
  });

  it('reads Go toolchain versions, as golang/vuln maps tags to SemVer', () => {
    const forms = [
      ['go1', 'v1.0.0'],
      ['go1.20', 'v1.20.0'],
      ['go1.21', 'v1.21.0'],
      ['go1.21.3', 'v1.21.3'],
      ['go1.21rc2', 'v1.21.0-rc.2'],
      ['1.21rc2', 'v1.21.0-rc.2'],
      ['v1.21rc2', 'v1.21.0-rc.2'],
      ['go1.9beta1', 'v1.9.0-beta.1'],
      ['v1.22.3', 'v1.22.3'],
    ];
    for (const [tag, semver] of forms) {
      const parsed = goScheme.parse(tag ?? '');
      expect(parsed.ok ? formatGoVersion(parsed.value) : parsed.error, tag).toBe(semver);
    }
    const ascending = ['go1.9beta1', 'go1.9rc1', 'go1.9', 'go1.20', 'go1.21rc1', '1.21rc2', 'go1.21.0', 'v1.21.3', 'go1.22.0'];
    for (let i = 1; i < ascending.length; i++) expect(cmp(ascending[i - 1] ?? '', ascending[i] ?? ''), ascending[i]).toBe('<');
    expect(cmp('1.21.0-0', 'go1.21rc1')).toBe('<');
  });

  it.each([
    '',
    'v',
    'go',
    'go1.21.3rc1',
    'go1.21-rc.1',
    'go1.021',
    'go1.21rc01',
    'v01.2.3',
    'V1.2.3',
    'vv1.2.3',
    'v1.2.3 ',
    'go1.21.3 X:boringcrypto',
    'v1.2.3.4',
    'vgo1.2',
  ])('rejects %j', (raw) => {
    expect(goScheme.parse(raw).ok).toBe(false);
  });
});
