import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadList, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { formatPep440, pep440Scheme } from './index.js';

const cmp = (a: string, b: string) => compareVersions(pep440Scheme, a, b).op;
const normalized = (raw: string) => {
  const parsed = pep440Scheme.parse(raw);
  return parsed.ok ? formatPep440(parsed.value) : `invalid: ${parsed.error}`;
};

describe('pep440 vectors', () => {
  it('packaging tests/test_version.py (pairs.tsv)', skipWhen(sharedAbsent), () => {
    const pairs = loadPairs('pep440');
    expect(pairs).toHaveLength(8565);
    expectPairs(pep440Scheme, pairs, 'pep440/pairs.tsv');
  });

  it('osv-scalibr pypi-versions*.txt (pairs-osv-scalibr.tsv)', skipWhen(sharedAbsent), () => {
    const pairs = loadPairs('pep440', 'pairs-osv-scalibr.tsv');
    expect(pairs).toHaveLength(12332);
    expectPairs(pep440Scheme, pairs, 'pep440/pairs-osv-scalibr.tsv');
  });

  it('packaging test_invalid_versions (invalid.txt) are errors', skipWhen(sharedAbsent), () => {
    const list = loadList('pep440', 'invalid.txt');
    expect(list).toHaveLength(20);
    expect(list.filter((raw) => pep440Scheme.parse(raw).ok)).toEqual([]);
  });

  it('rejected-osv-scalibr.tsv: the legacy version named in each reason is an error', skipWhen(sharedAbsent), () => {
    const rejected = loadPairs('pep440', 'rejected-osv-scalibr.tsv');
    expect(rejected).toHaveLength(80);
    for (const p of rejected) {
      const named = /Invalid version: '(.*)'/.exec(p.extra ?? '')?.[1];
      expect(named, p.extra).toBeDefined();
      expect(pep440Scheme.parse(named ?? '').ok, named).toBe(false);
      expect(cmp(p.left, p.right), `line ${p.line}`).toBe('?');
    }
  });
});

describe('pep440Scheme', () => {
  it('normalises as str(Version(...)) does', () => {
    const cases = [
      ['1.0RC1', '1.0rc1'],
      ['1.0c1', '1.0rc1'],
      ['1.0-preview_2', '1.0rc2'],
      ['1.0.ALPHA', '1.0a0'],
      ['1.0b-3', '1.0b3'],
      ['1.0-1', '1.0.post1'],
      ['1.0-r', '1.0.post0'],
      ['1.0rev4', '1.0.post4'],
      ['1.0a1-1', '1.0a1.post1'],
      ['1.0-1.dev-', '1.0.post1.dev0'],
      ['1.0-dev-', '1.0.dev0'],
      ['1.0dev', '1.0.dev0'],
      ['v1.0', '1.0'],
      ['V1.0', '1.0'],
      ['0!1.0', '1.0'],
      ['01!001.02', '1!1.2'],
      ['1.0+ABC-01_x', '1.0+abc.1.x'],
      [' \t1.0\n', '1.0'],
      ['\u00a01.0\u3000\x1c', '1.0'],
      ['1.0a-', '1.0a0'],
      ['1.0a.post1', '1.0a0.post1'],
      ['9007199254740993', '9007199254740993'],
    ] as const;
    for (const [raw, want] of cases) expect(normalized(raw), JSON.stringify(raw)).toBe(want);
  });

  it('orders the whole suffix ladder', () => {
    const ascending = [
      '1!0.1',
      '1!1.0.dev1',
      '1!1.0a1.dev1',
      '1!1.0a1',
      '1!1.0a1.post1.dev1',
      '1!1.0a1.post1',
      '1!1.0b1',
      '1!1.0rc1',
      '1!1.0',
      '1!1.0+abc',
      '1!1.0+abc.5',
      '1!1.0+1',
      '1!1.0+1.abc',
      '1!1.0+2',
      '1!1.0.post1.dev1',
      '1!1.0.post1',
      '1!1.0.1',
      '2!0',
    ];
    for (let i = 1; i < ascending.length; i++) expect(cmp(ascending[i - 1] ?? '', ascending[i] ?? ''), ascending[i]).toBe('<');
    expect(cmp('1.0.0', '1')).toBe('=');
    expect(cmp('1.0+01', '1.0+1')).toBe('=');
    expect(cmp('1.0+1.0', '1.0+1')).toBe('>');
    expect(cmp('0!1', '1.0')).toBe('=');
    expect(cmp('1.0.post0', '1.0')).toBe('>');
    expect(cmp('1.0.dev0', '1.0a0')).toBe('<');
    expect(cmp('99999999999999999999.1', '99999999999999999999.0.0.1')).toBe('>');
  });

  it.each([
    '',
    ' ',
    'v',
    '1.0-',
    '1.0.',
    'a1',
    '1.0a1b1',
    '1.0.post1.post2',
    '1.0+',
    '1.0+a_',
    '1.0\ufeff',
    '1.0+İ',
    '1.0+ı',
    '1.0\u212a',
    '1 0',
    '1.0-dev-x',
    'vv1.0',
  ])('rejects %j', (raw) => {
    expect(pep440Scheme.parse(raw).ok).toBe(false);
  });

  it('rejects numbers Python cannot convert (over 4300 digits), not long local words', () => {
    expect(pep440Scheme.parse(`1.${'1'.repeat(4301)}`).ok).toBe(false);
    expect(pep440Scheme.parse(`1.0+${'1'.repeat(4301)}`).ok).toBe(false);
    expect(pep440Scheme.parse(`1.${'1'.repeat(4300)}`).ok).toBe(true);
    expect(pep440Scheme.parse(`1.0+a${'1'.repeat(4301)}`).ok).toBe(true);
  });
});
