import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { pubScheme } from './index.js';

const cmp = (a: string, b: string) => compareVersions(pubScheme, a, b).op;

describe('pub vectors', () => {
  it('osv-scalibr pub-versions.txt (pairs.tsv)', skipWhen(sharedAbsent), () => {
    const pairs = loadPairs('pub');
    expect(pairs).toHaveLength(100);
    expectPairs(pubScheme, pairs, 'pub/pairs.tsv');
  });
});

describe('pubScheme', () => {
  it('orders pre-releases as SemVer does', () => {
    const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    for (let i = 1; i < chain.length; i++) expect(cmp(chain[i - 1] ?? '', chain[i] ?? ''), chain[i]).toBe('<');
  });

  it('compares build metadata as a plain string, after the pre-release', () => {
    expect(cmp('1.2.3', '1.2.3+0')).toBe('<');
    expect(cmp('1.2.3+10', '1.2.3+9')).toBe('<');
    expect(cmp('1.2.3+a1', '1.2.3+a')).toBe('>');
    expect(cmp('1.2.3-beta+z', '1.2.3')).toBe('<');
  });

  it('pads missing numbers with 0 and ignores one leading v', () => {
    expect(cmp('1.0', '1.0.0')).toBe('=');
    expect(cmp('v1.2.3', '1.2.3')).toBe('=');
    expect(cmp('01.2.3', '1.2.3')).toBe('=');
  });

  it('keeps osv-scalibr reading a fourth number into the pre-release', () => {
    expect(cmp('1.2.3.4', '1.2.3')).toBe('<');
    expect(cmp('1.2.3.4', '1.2.3.5')).toBe('<');
    expect(cmp('1.2.3.4+b', '1.2.3+b.4')).toBe('=');
  });

  it('compares numbers of any size exactly', () => {
    expect(cmp('9007199254740993.0.0', '9007199254740992.0.0')).toBe('>');
    expect(cmp('1.0.0-9007199254740993', '1.0.0-9007199254740992')).toBe('>');
  });

  it.each(['', ' ', 'V1.2.3', 'vv1.2.3', '1.2.3beta', '1.2.3-', '1.2.3+', '1.2.3-a..b', '1..2', '.1', '1.', ' 1.2.3', '1.2.3_a', 'a', '1.2.3-é'])(
    'rejects %j',
    (raw) => {
      expect(pubScheme.parse(raw).ok).toBe(false);
    },
  );
});
