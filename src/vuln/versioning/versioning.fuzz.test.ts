import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bounded, fuzz, Reach } from '../../test-support/fuzz.js';
import { mutatedText } from '../../test-support/fuzz-mutate.js';
import { schemes } from './registry.js';

// Versions come from package databases and advisories, both attacker-written. Each scheme's parse
// never throws (an unparseable version is a result), and its compare is an order on what parses:
// reflexive, antisymmetric and transitive — a scheme that is not would match ranges by accident.

/** Versions in each ecosystem's grammar (so that the strict schemes parse some), and odd ones. */
const grammars = [
  fc.stringMatching(/^v?(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})(-[0-9A-Za-z]{1,5}(\.[0-9A-Za-z]{1,5}){0,2})?(\+[0-9A-Za-z]{1,5})?$/),
  fc.stringMatching(/^[0-9]{1,4}(\.[0-9]{1,4}){0,4}$/),
  fc.stringMatching(/^([0-9]:)?[0-9][0-9A-Za-z.+~]{0,10}(-[0-9A-Za-z.+~]{1,6})?$/),
  fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,3}){0,3}[a-z]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]{0,3}){0,2}(-r[0-9]{1,3})?$/),
  fc.stringMatching(/^([0-9]!)?[0-9]{1,3}(\.[0-9]{1,3}){0,3}((a|b|rc)[0-9]{1,2})?(\.post[0-9]{1,2})?(\.dev[0-9]{1,2})?(\+[a-z0-9.]{1,6})?$/),
  fc.stringMatching(/^[0-9]{1,3}(\.[0-9a-z]{1,4}){0,4}([.-][0-9]{1,3}){0,2}$/),
  fc.stringMatching(/^([0-9]{1,4}:)?[0-9]{1,5}(\.[0-9A-Za-z]{1,5}){0,4}([-~+_.^][0-9A-Za-z.]{0,8}){0,3}$/),
  fc.constantFrom(
    '1:2.36-9+deb12u4',
    '1.0~rc1',
    '2.0.0-rc.1+build.5',
    'v1.2.3',
    '1.0.0a1.post2.dev3',
    '1!2.0',
    '1.2.3-r4',
    '0.0.0-20240101120000-abcdef123456',
    '1.0-SNAPSHOT',
    '1.0.0.Final',
    '2.0.0.beta1',
    '1.2.3-p1',
    '(devel)',
    '',
    ' ',
    '0',
    '00',
    '-1',
    '1..2',
    '1.2.3.4.5.6.7.8.9.10',
    '9'.repeat(40),
    'é',
    '1.0\u0000',
  ),
];
const damaged = (grammar: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: grammar },
    {
      weight: 1,
      arbitrary: mutatedText(grammar, {
        tokens: ['.', '-', '~', '+', '^', ':', '_', '0', '9', 'rc', 'alpha', 'post', 'dev', '!', 'r', 'p', '#'],
        maxMutations: 3,
      }),
    },
  );
/** Three versions of one grammar, some damaged: compared with each other, they test the order. */
const triples = fc.oneof(...grammars.map((grammar) => fc.tuple(damaged(grammar), damaged(grammar), damaged(grammar))));

/**
 * Where a scheme is knowingly not transitive, as the order it reproduces is not: Packagist as
 * osv-scalibr implements it weighs a number as `#` against a word, and `#` is a word there (PHP makes
 * it a separator): `1.2.3 < 2 < #0 < 1.2.3`. The POM reference's Maven order puts `.qualifier`
 * below `-qualifier` but compares either with the padding by rank: `1.0.0.Final < 1.A <
 * 1.0-SNAPSHOT < 1.0.0.Final`. Real versions hold no `#`, and seldom a `.letter` after a `-`.
 */
const intransitive: Record<string, (raw: string) => boolean> = { composer: (raw) => raw.includes('#'), maven: (raw) => /\.[a-z]/i.test(raw) };

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('fuzz: version schemes', () => {
  for (const scheme of schemes) {
    it(`${scheme.id}: parse never throws; compare is an order on what parses`, async () => {
      const reach = new Reach();
      await fuzz(`version ${scheme.id}`, triples, (raw) => {
        const parsed = raw.map((text) => bounded('never-throws', () => scheme.parse(text)));
        const values = parsed.flatMap((result) => (result?.ok ? [result.value] : []));
        reach.input(values.length === 3 && 'parsed');
        if (values.length !== 3) return;
        const [a, b, c] = values as [unknown, unknown, unknown];
        const cmp = (x: unknown, y: unknown): number => sign(bounded('never-throws', () => scheme.compare(x, y)) ?? Number.NaN);
        expect(cmp(a, a)).toBe(0);
        expect(cmp(a, b) + cmp(b, a)).toBe(0);
        if (raw.some((text) => intransitive[scheme.id]?.(text))) return;
        if (cmp(a, b) <= 0 && cmp(b, c) <= 0) expect(cmp(a, c)).toBeLessThanOrEqual(0);
      });
      reach.expect('parsed', 0.01);
    });
  }
});
