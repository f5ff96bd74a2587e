import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { commandMissing, skipWhen } from '../../../test-support/skip.js';
import { rubygemsScheme } from './index.js';
import { random } from '../../../test-support/random.js';

const cmp = (a: string, b: string) => compareVersions(rubygemsScheme, a, b).op;

describe('rubygems vectors', () => {
  it('osv-scalibr rubygems-versions(-generated).txt (pairs.tsv)', skipWhen(sharedAbsent), () => {
    const pairs = loadPairs('rubygems');
    expect(pairs).toHaveLength(4121);
    expectPairs(rubygemsScheme, pairs, 'rubygems/pairs.tsv');
  });

  it('rejected.tsv: what Ruby calls malformed is an error here too', skipWhen(sharedAbsent), () => {
    const rejected = loadPairs('rubygems', 'rejected.tsv');
    expect(rejected).toHaveLength(2);
    for (const p of rejected) expect(cmp(p.left, p.right), `${p.left} ${p.right}`).toBe('?');
  });
});

describe('rubygemsScheme', () => {
  it('reads letters as a pre-release, before any number', () => {
    expect(cmp('1.0.a', '1.0')).toBe('<');
    expect(cmp('1.0.a', '1.0.0.1')).toBe('<');
    expect(cmp('1.0.a10', '1.0.a9')).toBe('>');
    expect(cmp('1.0.b1', '1.0.a.2')).toBe('>');
    expect(cmp('1.0.rc1', '1.0.pre1')).toBe('>');
  });

  it('reads - as .pre.', () => {
    expect(cmp('1.0-a', '1.0.pre.a')).toBe('=');
    expect(cmp('1.0-1', '1.0')).toBe('<');
    expect(cmp('1.0-1', '1.0.a')).toBe('>');
  });

  it('drops trailing zeros of the release and of the pre-release part (canonical_segments)', () => {
    expect(cmp('1.0.0', '1')).toBe('=');
    expect(cmp('1.0.a.0', '1.a')).toBe('=');
    expect(cmp('1.0.a.0.1', '1.a.0.1')).toBe('=');
    expect(cmp('01.002', '1.2')).toBe('=');
  });

  it('compares letters case-sensitively, bytewise', () => {
    expect(cmp('1.A', '1.a')).toBe('<');
    expect(cmp('1.Z', '1.a')).toBe('<');
    expect(cmp('1.beta', '1.alpha')).toBe('>');
  });

  it('compares numbers of any size exactly', () => {
    expect(cmp('9007199254740993', '9007199254740992')).toBe('>');
    expect(cmp('1.99999999999999999999999', '1.99999999999999999999998')).toBe('>');
  });

  it('strips surrounding whitespace, as Ruby does', () => {
    expect(cmp(' 1.0\t', '1')).toBe('=');
  });

  it.each(['', ' ', '\n', '1beta', 'a', '.1', '1.', '1..2', '1.0-', '1_0', '1+2', 'v1', '1 0', '1.é', '-1'])('rejects %j', (raw) => {
    expect(rubygemsScheme.parse(raw).ok).toBe(false);
  });
});

function generatedPairs(count: number): [string, string][] {
  const next = random(20260819);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const numbers = ['0', '1', '2', '9', '10', '01', '00', '007', '12345678901234567890'];
  const words = ['a', 'b', 'pre', 'rc', 'beta', 'alpha', 'A', 'Z', 'dev', 'x'];
  const odd = ['_', '+', ' ', '..', 'v', '-', '.'];
  const part = () => {
    const r = next();
    return r < 0.45 ? pick(numbers) : r < 0.75 ? pick(words) : r < 0.9 ? pick(numbers) + pick(words) : pick(words) + pick(numbers);
  };
  const version = () => {
    let v = pick(numbers);
    const n = Math.floor(next() * 5);
    for (let i = 0; i < n; i++) v += (next() < 0.75 ? '.' : '-') + part();
    if (next() < 0.05) v += pick(odd);
    if (next() < 0.03) v = pick(odd) + v;
    return v;
  };
  const pairs: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    const a = version();
    const r = next();
    const b = r < 0.4 ? version() : r < 0.7 ? `${a}${next() < 0.7 ? '.' : '-'}${part()}` : a.replace(/[0-9a-zA-Z]+$/, part());
    pairs.push([a, b]);
  }
  return pairs;
}

// One Ruby process answers every line: `<=>` when both are versions, else which side is correct?.
const RUBY = `STDIN.each_line do |line|
  a, b = line.chomp("\\n").split("\\t", -1)
  va = Gem::Version.correct?(a) ? Gem::Version.new(a) : nil
  vb = Gem::Version.correct?(b) ? Gem::Version.new(b) : nil
  puts(va && vb ? (va <=> vb).to_s : "#{va ? 1 : 0}#{vb ? 1 : 0}")
end`;

describe("rubygems against ruby's Gem::Version", () => {
  it('agrees on 4000 generated pairs, validity included', skipWhen(commandMissing('ruby')), () => {
    const pairs = generatedPairs(4000);
    const run = spawnSync('ruby', ['-e', RUBY], { input: pairs.map(([a, b]) => `${a}\t${b}\n`).join(''), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const answers = run.stdout.split('\n');
    const failures: string[] = [];
    let compared = 0;
    pairs.forEach(([a, b], i) => {
      const answer = answers[i] ?? '';
      const pa = rubygemsScheme.parse(a);
      const pb = rubygemsScheme.parse(b);
      let ours: string;
      if (pa.ok && pb.ok) {
        compared++;
        ours = String(Math.sign(rubygemsScheme.compare(pa.value, pb.value)));
      } else {
        ours = `${pa.ok ? 1 : 0}${pb.ok ? 1 : 0}`;
      }
      if (ours !== answer) failures.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: ruby ${answer}, here ${ours}`);
    });
    expect(failures.slice(0, 20), `${failures.length} of ${pairs.length} disagree`).toEqual([]);
    // Most pairs must be real comparisons, not both-invalid agreements.
    expect(compared).toBeGreaterThan(2500);
  });
});
