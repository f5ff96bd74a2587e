import { describe, expect, it } from 'vitest';
import { commandMissing, skipWhen } from '../../../test-support/skip.js';
import { compareVersions } from '../scheme.js';
import { debScheme } from './index.js';
import { askDpkg, debVersion, dpkgAccepts, nearby, random, type Op } from './test-dpkg.js';

const oracleMissing = commandMissing('dpkg') ?? commandMissing('bash');

/** Odd strings dpkg has an opinion on: blanks, strtol's epoch, colons and hyphens, characters it refuses. */
const edgeCases = [
  ' 1.0',
  '1.0 ',
  '\t1:2\t',
  '\n1:2',
  '\r1:2',
  '\v1.0',
  '+1:2',
  '-0:1',
  '-1:2',
  '1:',
  ':1',
  '01:2',
  '2147483647:1',
  '2147483648:1',
  '0000000000002147483647:1',
  '1:2:3',
  '1:2-3:4',
  '1.0-',
  '1.0--1',
  '1-a-b',
  '1_0',
  '1.0-1_2',
  '1.0~',
  '0',
  'a1',
  '1 2',
  '1.0@',
  '1:-0',
  '1.0-é',
  '~',
  '1.0-~',
  '00:00-00',
  '1.0-+',
  '1.0:',
  '1:1.0:',
];

/** Noise around version syntax, for the accept/reject comparison. */
function noisy(rng: () => number): string {
  const alphabet = '0123456789012345.:-+~_aZ@ ';
  const length = 1 + Math.floor(rng() * 8);
  return Array.from({ length }, () => alphabet[Math.floor(rng() * alphabet.length)]).join('');
}

describe('deb against the real dpkg --compare-versions', skipWhen(oracleMissing), () => {
  it('3000 generated pairs (epochs, tildes, pluses, letters, long digit runs, hyphenated revisions) order as dpkg says', async () => {
    const rng = random(20240611);
    const triples: Array<[string, Op, string]> = [];
    while (triples.length < 3000) {
      const left = debVersion(rng);
      const right = rng() < 0.6 ? nearby(rng, left) : debVersion(rng);
      const result = compareVersions(debScheme, left, right);
      if (result.op !== '?') triples.push([left, result.op, right]);
    }
    expect(new Set(triples.map(([, op]) => op))).toEqual(new Set(['<', '=', '>']));
    const status = await askDpkg(triples);
    expect(status).toHaveLength(triples.length);
    const disagreements = triples.flatMap(([a, op, b], i) => (status[i] === 0 ? [] : [`${a} ${op} ${b} (dpkg exit ${status[i]})`]));
    expect(disagreements.slice(0, 20), `${disagreements.length} of ${triples.length} disagree`).toEqual([]);
  });

  it('accepts exactly what dpkg accepts without error or warning (edge cases and 500 noisy strings)', async () => {
    const rng = random(99);
    const versions = [...edgeCases, ...Array.from({ length: 500 }, () => noisy(rng))].filter((v) => v !== '');
    const accepted = await dpkgAccepts(versions);
    const disagreements = versions.flatMap((v, i) =>
      debScheme.parse(v).ok === accepted[i] ? [] : [`${JSON.stringify(v)}: dpkg ${accepted[i] ? 'accepts' : 'refuses'}`],
    );
    expect(disagreements).toEqual([]);
    expect(accepted.filter(Boolean).length).toBeGreaterThan(50);
  });

  it('the edge cases dpkg accepts order as dpkg says against each other', async () => {
    const valid = edgeCases.filter((v) => debScheme.parse(v).ok);
    const triples = valid.flatMap((a) => valid.map((b) => [a, compareVersions(debScheme, a, b).op as Op, b] as [string, Op, string]));
    const status = await askDpkg(triples);
    expect(triples.filter((_, i) => status[i] !== 0).map(([a, op, b]) => `${JSON.stringify(a)} ${op} ${JSON.stringify(b)}`)).toEqual([]);
  });
});
