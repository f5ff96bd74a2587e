import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { commandMissing, skipWhen } from '../../../test-support/skip.js';
import { composerScheme } from './index.js';
import { random } from '../../../test-support/random.js';

const cmp = (a: string, b: string) => compareVersions(composerScheme, a, b).op;

describe('composer vectors', () => {
  it('osv-scalibr packagist-versions(-generated).txt (packagist/pairs.tsv)', skipWhen(sharedAbsent), () => {
    const pairs = loadPairs('packagist');
    expect(pairs).toHaveLength(10725);
    expectPairs(composerScheme, pairs, 'packagist/pairs.tsv');
  });
});

describe('composerScheme', () => {
  it('orders dev < alpha < beta < RC < release < patch', () => {
    const chain = ['1.0-dev', '1.0alpha1', '1.0a2', '1.0-beta1', '1.0b2', '1.0RC1', '1.0rc2', '1.0', '1.0pl1', '1.0p2'];
    for (let i = 1; i < chain.length; i++) expect(cmp(chain[i - 1] ?? '', chain[i] ?? ''), chain[i]).toBe('<');
  });

  it('reads - _ + as . and splits digits from letters', () => {
    expect(cmp('1.0.0rc2', '1.0.0.rc2')).toBe('=');
    expect(cmp('1.25.0beta2.1', '1.25.0-b2.1')).toBe('=');
    expect(cmp('1_0+1', '1.0.1')).toBe('=');
  });

  it('makes a trailing number greater and a trailing word weigh against #', () => {
    expect(cmp('1.0.0', '1.0')).toBe('>');
    expect(cmp('1.0.0.0', '1.0')).toBe('>');
    expect(cmp('1.0-beta', '1.0')).toBe('<');
    expect(cmp('1.0-patch', '1.0')).toBe('>');
  });

  it('ignores one leading v or V', () => {
    expect(cmp('v1.0', '1.0')).toBe('=');
    expect(cmp('V1.0', 'v1.0')).toBe('=');
  });

  it('keeps the osv-scalibr readings that differ from PHP', () => {
    // PHP: an unknown word is below dev, and # is a separator (1.2.3.# < 1.2.3).
    expect(cmp('1.0-foo', '1.0-dev')).toBe('=');
    expect(cmp('1.2.3.#', '1.2.3')).toBe('=');
  });

  it('compares numbers of any size exactly', () => {
    expect(cmp('9007199254740993', '9007199254740992')).toBe('>');
    expect(cmp('1.99999999999999999999', '1.99999999999999999998')).toBe('>');
  });

  it.each(['', ' ', 'v', '1.0 ', ' 1.0', '1.0\n', '...', '#', '1.é'])('rejects %j', (raw) => {
    expect(composerScheme.parse(raw).ok).toBe(false);
  });

  it('accepts branch names and other words', () => {
    for (const raw of ['dev-foo', 'dev-main', '1.x-dev', 'foo']) expect(composerScheme.parse(raw).ok, raw).toBe(true);
  });
});

/**
 * Versions where osv-scalibr's reading and PHP's agree: numbers and known words (no unknown
 * word, no `#` or other punctuation), one separator at a time, none leading or trailing.
 */
function generatedPairs(count: number): [string, string][] {
  const next = random(20260819);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const numbers = ['0', '1', '2', '3', '10', '01', '007', '123456789'];
  const words = ['dev', 'alpha', 'a', 'beta', 'b', 'RC', 'rc', 'pl', 'p', 'patch'];
  const separators = ['.', '.', '.', '-', '_', '+'];
  const version = () => {
    let numeric = next() < 0.85;
    let v = numeric ? pick(numbers) : pick(words);
    const n = Math.floor(next() * 5);
    for (let i = 0; i < n; i++) {
      const nextNumeric = next() < 0.6;
      // No separator only between a number and a word, which stay apart.
      const separator = nextNumeric !== numeric && next() < 0.4 ? '' : pick(separators);
      v += separator + (nextNumeric ? pick(numbers) : pick(words));
      numeric = nextNumeric;
    }
    return v;
  };
  return Array.from({ length: count }, () => {
    const a = version();
    const r = next();
    const b = r < 0.4 ? version() : r < 0.8 ? a + pick(separators) + (next() < 0.5 ? pick(numbers) : pick(words)) : a.replace(/[0-9]+$/, pick(numbers));
    return [a, b];
  });
}

const PHP = 'while (($l = fgets(STDIN)) !== false) { [$a, $b] = explode("\\t", rtrim($l, "\\n")); echo version_compare($a, $b), "\\n"; }';

describe("composer against PHP's version_compare", () => {
  it('agrees on 5000 generated pairs where osv-scalibr follows PHP', skipWhen(commandMissing('php', 'php-cli')), () => {
    const pairs = generatedPairs(5000);
    const run = spawnSync('php', ['-r', PHP], { input: pairs.map(([a, b]) => `${a}\t${b}\n`).join(''), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const answers = run.stdout.split('\n');
    const failures: string[] = [];
    pairs.forEach(([a, b], i) => {
      const pa = composerScheme.parse(a);
      const pb = composerScheme.parse(b);
      const ours = pa.ok && pb.ok ? String(Math.sign(composerScheme.compare(pa.value, pb.value))) : 'error';
      if (ours !== answers[i]) failures.push(`${a} vs ${b}: php ${answers[i]}, here ${ours}`);
    });
    expect(failures.slice(0, 20), `${failures.length} of ${pairs.length} disagree`).toEqual([]);
  });
});
