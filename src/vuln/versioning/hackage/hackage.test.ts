import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { hackageScheme } from './index.js';

const cmp = (a: string, b: string) => compareVersions(hackageScheme, a, b).op;

describe('hackage vectors', () => {
  it('osv-scalibr hackage-versions.txt (pairs.tsv)', skipWhen(sharedAbsent), () => {
    const pairs = loadPairs('hackage');
    expect(pairs).toHaveLength(11);
    expectPairs(hackageScheme, pairs, 'hackage/pairs.tsv');
  });
});

describe('hackageScheme', () => {
  it('compares as lists: number by number, then the longer is greater', () => {
    expect(cmp('1.0', '1')).toBe('>');
    expect(cmp('1.0.0', '1.0')).toBe('>');
    expect(cmp('1.0.5', '1.1')).toBe('<');
    expect(cmp('0.10', '0.9')).toBe('>');
    expect(cmp('2.0.0.1', '2.0.0.1')).toBe('=');
    expect(cmp('999999999.1', '999999999')).toBe('>');
  });

  it.each(['', ' ', 'v1.0', '1.', '.1', '1..0', '01', '1.02', '1234567890', '1.0-foo', '1.0a', '-1', '1.0 '])('rejects %j', (raw) => {
    expect(hackageScheme.parse(raw).ok).toBe(false);
  });
});
