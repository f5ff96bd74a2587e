import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareVersions, type VersionScheme } from '../scheme.js';
import { expectPairs, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { npmScheme, parseNpmVersion, satisfiesRange, type NpmOptions } from './index.js';

/** The options column of the vector files: empty, or comma-separated node-semver option names. */
function options(column: string | undefined): NpmOptions {
  const names = (column ?? '').split(',').filter((name) => name !== '');
  for (const name of names) if (name !== 'loose' && name !== 'includePrerelease') throw new Error(`unknown option ${name}`);
  return { loose: names.includes('loose'), includePrerelease: names.includes('includePrerelease') };
}

describe('npm vectors', () => {
  it('strict pairs, osv-scalibr pairs and lenient pairs all agree', skipWhen(sharedAbsent), () => {
    const files = [
      ['pairs.tsv', 40],
      ['pairs-osv-scalibr.tsv', 83],
      ['pairs-lenient.tsv', 59],
    ] as const;
    for (const [file, count] of files) {
      const pairs = loadPairs('semver', file);
      expect(pairs, file).toHaveLength(count);
      expectPairs(npmScheme, pairs, `semver/${file}`);
    }
  });

  it('pairs-lenient.tsv also holds with exactly the options of its 4th column', skipWhen(sharedAbsent), () => {
    const pairs = loadPairs('semver', 'pairs-lenient.tsv');
    const byOptions = (column: string | undefined): VersionScheme => ({
      ...npmScheme,
      parse: (raw) => parseNpmVersion(raw, column === 'strict-node-semver' ? {} : options(column)),
    });
    for (const column of new Set(pairs.map((p) => p.extra))) {
      expectPairs(
        byOptions(column),
        pairs.filter((p) => p.extra === column),
        `semver/pairs-lenient.tsv (${column})`,
      );
    }
  });

  it('rejected-osv-scalibr.tsv: node-semver rejects all three, so they are errors', skipWhen(sharedAbsent), () => {
    const rejected = loadPairs('semver', 'rejected-osv-scalibr.tsv');
    expect(rejected).toHaveLength(3);
    for (const p of rejected) expect(compareVersions(npmScheme, p.left, p.right).op, p.left).toBe('?');
  });

  it('satisfies.tsv: node-semver range-include/range-exclude fixtures', skipWhen(sharedAbsent), () => {
    const lines = readFileSync(sharedPath('vectors', 'semver', 'satisfies.tsv'), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines).toHaveLength(222);
    const failures: string[] = [];
    const errors: string[] = [];
    lines.forEach((line, index) => {
      const [range = '', version = '', expected, column] = line.split('\t');
      const result = satisfiesRange(range, version, options(column));
      // semver.satisfies says false where this says "invalid": the fixture's false cases.
      if (!result.ok) errors.push(`${range} ${version}`);
      const answer = result.ok && result.value;
      if (String(answer) !== expected) failures.push(`satisfies.tsv:${index + 1}: ${line} got ${result.ok ? answer : result.error}`);
    });
    expect(failures).toEqual([]);
    // Only the two fixtures whose version is not a version are errors rather than "no".
    expect(errors).toEqual(['* not a version', '>=2 glorp']);
  });
});

describe('npmScheme', () => {
  const cmp = (a: string, b: string) => compareVersions(npmScheme, a, b).op;

  it('parses loosely, as npm reads package.json', () => {
    expect(cmp('=1.2.3', '1.2.3')).toBe('=');
    expect(cmp(' v1.2.3 ', '1.2.3')).toBe('=');
    expect(cmp('1.2.3beta', '1.2.3-beta')).toBe('=');
    expect(cmp('01.02.03', '1.2.3')).toBe('=');
    expect(cmp('1.2.3-beta.2', '1.2.3-beta.11')).toBe('<');
    expect(cmp('1.2.3+a', '1.2.3+b')).toBe('=');
  });

  it('keeps node-semver limits as errors', () => {
    expect(cmp('9007199254740992.0.0', '1.0.0')).toBe('?');
    expect(cmp(`1.0.0-${'a'.repeat(260)}`, '1.0.0')).toBe('?');
    expect(cmp('1.2', '1.2.0')).toBe('?');
    expect(cmp('not a version', '1.0.0')).toBe('?');
  });

  it('satisfiesRange: answers, and errors for what cannot be read', () => {
    expect(satisfiesRange('^1.2.3', '1.9.0')).toEqual({ ok: true, value: true });
    expect(satisfiesRange('>=1.0.0 <1.2.0 || >=2.0.0 <2.0.5', '2.0.4')).toEqual({ ok: true, value: true });
    expect(satisfiesRange('<1.2.3', '1.2.3-beta')).toEqual({ ok: true, value: false });
    expect(satisfiesRange('<1.2.3', '1.2.3-beta', { includePrerelease: true })).toEqual({ ok: true, value: true });
    expect(satisfiesRange('blerg', '1.0.0').ok).toBe(false);
    expect(satisfiesRange('^1.0.0', '1.0.0beta').ok).toBe(false);
    expect(satisfiesRange('^1.0.0', '1.0.1beta', { loose: true })).toEqual({ ok: true, value: false });
  });

  it('satisfiesRange takes a version parsed by npmScheme', () => {
    const parsed = npmScheme.parse('v1.4.0');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(satisfiesRange('~1.4.0', parsed.value)).toEqual({ ok: true, value: true });
    expect(satisfiesRange('~1.3.0', parsed.value)).toEqual({ ok: true, value: false });
  });
});
