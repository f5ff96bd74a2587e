import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { cargoScheme } from './index.js';

const cmp = (a: string, b: string) => compareVersions(cargoScheme, a, b).op;
const hasV = (v: string) => v.startsWith('v');

describe('cargo: the semver vectors', () => {
  it('every pair without a v holds; every pair with one is an error', skipWhen(sharedAbsent), () => {
    for (const [file, count] of [
      ['pairs.tsv', 40],
      ['pairs-osv-scalibr.tsv', 83],
    ] as const) {
      const pairs = loadPairs('semver', file);
      expect(pairs, file).toHaveLength(count);
      expectPairs(
        cargoScheme,
        pairs.filter((p) => !hasV(p.left) && !hasV(p.right)),
        `semver/${file}`,
      );
      for (const p of pairs.filter((q) => hasV(q.left) || hasV(q.right))) expect(cmp(p.left, p.right), `${p.left} ${p.right}`).toBe('?');
    }
  });

  it('rejected-osv-scalibr.tsv: all three are errors (beyond u64, not three numbers)', skipWhen(sharedAbsent), () => {
    const rejected = loadPairs('semver', 'rejected-osv-scalibr.tsv');
    expect(rejected).toHaveLength(3);
    for (const p of rejected) expect(cmp(p.left, p.right), p.left).toBe('?');
  });
});

describe('cargoScheme', () => {
  it('holds major/minor/patch to u64, pre-release numbers unlimited', () => {
    expect(cmp('18446744073709551615.0.0', '18446744073709551614.0.0')).toBe('>');
    expect(cmp('18446744073709551616.0.0', '1.0.0')).toBe('?');
    expect(cmp('0.0.18446744073709551616', '1.0.0')).toBe('?');
    expect(cmp('1.0.0-18446744073709551616', '1.0.0-18446744073709551615')).toBe('>');
  });

  it('follows SemVer 2.0.0 precedence, build ignored', () => {
    expect(cmp('0.1.0+wasi-snapshot-preview1', '0.1.0')).toBe('=');
    expect(cmp('1.0.0-alpha.1', '1.0.0-alpha.beta')).toBe('<');
    expect(cmp('1.0.0-rc.1', '1.0.0')).toBe('<');
  });

  it.each(['v1.0.0', '1.0', '1', '01.0.0', '1.0.0-01', '1.0.0 ', '=1.0.0', '1.0.0-'])('rejects %j', (raw) => {
    expect(cargoScheme.parse(raw).ok).toBe(false);
  });
});
