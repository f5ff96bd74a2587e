import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { comparePep440, formatPep440, pep440Scheme, type Pep440Version } from './index.js';
import { random } from '../../../test-support/random.js';
import { skipWhen } from '../../../test-support/skip.js';

// The oracle: packaging itself, when this machine's python3 has it. One process for the whole set.
const packagingMissing =
  spawnSync('python3', ['-c', 'import packaging.version'], { stdio: 'ignore' }).status === 0
    ? undefined
    : 'python3 with packaging is not installed (apt-get install python3-packaging)';

const ORACLE = `
import json, sys
import packaging
from packaging.version import Version
raws = json.load(sys.stdin)
versions = []
for raw in raws:
    try:
        versions.append(Version(raw))
    except ValueError:  # InvalidVersion, or an int too long for Python
        versions.append(None)
ordered = sorted({v for v in versions if v is not None})
rank = {v: i for i, v in enumerate(ordered)}
json.dump({"packaging": packaging.__version__,
           "str": [None if v is None else str(v) for v in versions],
           "rank": [None if v is None else rank[v] for v in versions]}, sys.stdout)
`;

interface OracleAnswer {
  packaging: string;
  str: (string | null)[];
  rank: (number | null)[];
}

/** Versions built from PEP 440's parts in every spelling packaging accepts, plus mutations and noise. */
function corpus(count: number, seed: number): string[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const maybe = (p: number, text: () => string) => (next() < p ? text() : '');
  const randomCase = (word: string) => [...word].map((c) => (next() < 0.2 ? c.toUpperCase() : c)).join('');
  const number = () => pick(['0', '1', '2', '9', '10', '00', '01', '007', '123', '2024', '9007199254740993', '99999999999999999999']);
  const sep = () => pick(['', '', '.', '-', '_']);
  const space = () => pick([' ', '\t', '\n', '\u00a0', '\u3000', '\x1c', '\ufeff', '\u200b']);
  const built = () =>
    maybe(0.05, space) +
    maybe(0.1, () => pick(['v', 'V'])) +
    maybe(0.15, () => `${number()}!`) +
    Array.from({ length: 1 + Math.floor(next() * 4) }, number).join('.') +
    maybe(0.4, () => sep() + randomCase(pick(['a', 'alpha', 'b', 'beta', 'c', 'rc', 'pre', 'preview'])) + sep() + maybe(0.7, number)) +
    maybe(0.3, () => (next() < 0.3 ? `-${number()}` : sep() + randomCase(pick(['post', 'rev', 'r'])) + sep() + maybe(0.7, number))) +
    maybe(0.3, () => sep() + randomCase('dev') + sep() + maybe(0.7, number)) +
    maybe(
      0.2,
      () =>
        `+${Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(['abc', 'ubuntu', 'Local', '1', '01', '2', 'x7', 'deadbeef'])).join(pick(['.', '-', '_']))}`,
    ) +
    maybe(0.05, space);
  const alphabet = '0123456789..--__++!vVaAbBcCrReEpPoOsStTdDwWlLiI ';
  const noise = () => Array.from({ length: 1 + Math.floor(next() * 10) }, () => pick([...alphabet])).join('');
  const mutate = (text: string) => {
    const at = Math.floor(next() * (text.length + 1));
    return next() < 0.5 ? text.slice(0, at) + pick([...alphabet]) + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
  };
  return Array.from({ length: count }, () => {
    const roll = next();
    return roll < 0.7 ? built() : roll < 0.85 ? mutate(built()) : noise();
  });
}

describe('pep440 against python3 packaging', skipWhen(packagingMissing), () => {
  it('agrees on validity, normalised form and order for a generated set', () => {
    const raws = corpus(6000, 440);
    const run = spawnSync('python3', ['-c', ORACLE], { input: JSON.stringify(raws), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout) as OracleAnswer;

    const disagreements: string[] = [];
    const parsed: { raw: string; value: Pep440Version; rank: number }[] = [];
    raws.forEach((raw, i) => {
      const ours = pep440Scheme.parse(raw);
      const theirs = answer.str[i] ?? null;
      const mine = ours.ok ? formatPep440(ours.value) : null;
      if (mine !== theirs) disagreements.push(`${JSON.stringify(raw)}: packaging ${JSON.stringify(theirs)}, here ${JSON.stringify(mine)}`);
      const rank = answer.rank[i];
      if (ours.ok && rank !== null && rank !== undefined) parsed.push({ raw, value: ours.value, rank });
    });
    expect(disagreements.slice(0, 20), `${disagreements.length} of ${raws.length} disagree (packaging ${answer.packaging})`).toEqual([]);

    // Sorting with comparePep440 must give packaging's ranks in order, equal exactly where they are.
    const sorted = [...parsed].sort((a, b) => comparePep440(a.value, b.value));
    const misordered: string[] = [];
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1], sorted[i]] as const;
      if (a === undefined || b === undefined) continue;
      const ours = Math.sign(comparePep440(a.value, b.value));
      if (Math.sign(a.rank - b.rank) !== ours) misordered.push(`${a.raw} vs ${b.raw}: ranks ${a.rank}/${b.rank}, here ${ours}`);
    }
    // And on random pairs, against the ranks directly (catches an intransitive comparison).
    const next = random(7);
    for (let k = 0; k < 20000 && parsed.length > 0; k++) {
      const a = parsed[Math.floor(next() * parsed.length)];
      const b = parsed[Math.floor(next() * parsed.length)];
      if (a === undefined || b === undefined) continue;
      if (Math.sign(comparePep440(a.value, b.value)) !== Math.sign(a.rank - b.rank)) misordered.push(`${a.raw} vs ${b.raw}`);
    }
    expect(misordered.slice(0, 20), `${misordered.length} misordered`).toEqual([]);
    // The generator must reach both sides, or the test proves little.
    expect(parsed.length).toBeGreaterThan(3000);
    expect(raws.length - parsed.length).toBeGreaterThan(500);
  });
});
