import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { cranScheme } from './index.js';

const cmp = (a: string, b: string) => compareVersions(cranScheme, a, b).op;

describe('cran vectors', () => {
  it('osv-scalibr cran-versions(-generated).txt (pairs.tsv)', skipWhen(sharedAbsent), () => {
    const pairs = loadPairs('cran');
    expect(pairs).toHaveLength(78);
    expectPairs(cranScheme, pairs, 'cran/pairs.tsv');
  });
});

describe('cranScheme', () => {
  it('weighs - and . alike and reads numbers numerically', () => {
    expect(cmp('1.2-3', '1.2.3')).toBe('=');
    expect(cmp('0.01', '0.1')).toBe('=');
    expect(cmp('0.9', '0.75')).toBe('<');
    expect(cmp('1.0-10', '1.0-9')).toBe('>');
  });

  it('makes the longer version greater when the numbers tie', () => {
    expect(cmp('1.0', '1.0.0')).toBe('<');
    expect(cmp('1.0.0', '1.0.0.0')).toBe('<');
    expect(cmp('1.0.1', '1.0.0.0')).toBe('>');
  });

  it('compares numbers of any size exactly', () => {
    expect(cmp('1.9007199254740993', '1.9007199254740992')).toBe('>');
  });

  it.each(['', ' ', '1', 'a', '1.a', '1.0a', '1..0', '1.', '.1', '1.0-', '1_0', 'v1.0', ' 1.0', '1.0 ', '1.-0', '1.+2'])('rejects %j', (raw) => {
    expect(cranScheme.parse(raw).ok).toBe(false);
  });
});
