import { describe, expect, it } from 'vitest';
import { commandMissing, skipWhen } from '../../../test-support/skip.js';
import { compareVersions } from '../scheme.js';
import { rpmScheme } from './index.js';
import { askRpm, nearby, random, rpmEvr, rpmString } from './test-rpm.js';

const value = { '<': -1, '=': 0, '>': 1, '?': NaN } as const;

/** Generated pairs with our answer, and rpm's answer for each; the disagreements as text. */
async function disagreements(kind: 'vercmp' | 'evr', pairs: Array<[string, string]>): Promise<string[]> {
  const ours = pairs.map(([a, b]) => value[compareVersions(rpmScheme, a, b).op]);
  const theirs = await askRpm(kind, pairs);
  expect(theirs).toHaveLength(pairs.length);
  return pairs.flatMap(([a, b], i) => (ours[i] === theirs[i] ? [] : [`${a} vs ${b}: ours ${ours[i]}, rpm ${theirs[i]}`]));
}

describe('rpm against the real rpm 4.18 (rpm --eval %{lua:...})', skipWhen(commandMissing('rpm')), () => {
  it('10000 generated bare versions compare as rpm.vercmp (rpmvercmp)', async () => {
    const rng = random(424242);
    const pairs: Array<[string, string]> = [];
    while (pairs.length < 10000) {
      const left = rpmString(rng);
      const right = rng() < 0.6 ? nearby(rng, left) : rpmString(rng);
      // A hyphen or colon would make an EVR of it; rpmvercmp itself only sees them as separators.
      if (!/[-:]/.test(left + right)) pairs.push([left, right]);
    }
    const failed = await disagreements('vercmp', pairs);
    expect(failed.slice(0, 20), `${failed.length} of ${pairs.length} disagree`).toEqual([]);
  });

  it('10000 generated EVRs compare as rpm.ver() objects (rpmverCmp)', async () => {
    const rng = random(1337);
    const pairs: Array<[string, string]> = [];
    while (pairs.length < 10000) {
      const left = rpmEvr(rng);
      const right = rng() < 0.6 ? nearby(rng, left) : rpmEvr(rng);
      if (rpmScheme.parse(left).ok && rpmScheme.parse(right).ok) pairs.push([left, right]);
    }
    const results = new Set(pairs.map(([a, b]) => compareVersions(rpmScheme, a, b).op));
    expect(results).toEqual(new Set(['<', '=', '>']));
    const failed = await disagreements('evr', pairs);
    expect(failed.slice(0, 20), `${failed.length} of ${pairs.length} disagree`).toEqual([]);
  });
});
