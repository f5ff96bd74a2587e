import { describe, expect, it } from 'vitest';
import { compareVersions } from '../scheme.js';
import { expectPairs, loadPairs } from '../../../test-support/vectors.js';
import { sharedAbsent } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { nugetScheme } from './index.js';

const cmp = (a: string, b: string) => compareVersions(nugetScheme, a, b).op;

describe('nuget vectors', () => {
  it('osv-scalibr nuget-versions.txt (pairs.tsv)', skipWhen(sharedAbsent), () => {
    const pairs = loadPairs('nuget');
    expect(pairs).toHaveLength(35);
    expectPairs(nugetScheme, pairs, 'nuget/pairs.tsv');
  });
});

describe('nugetScheme', () => {
  it('fills missing numbers with 0 and compares the fourth', () => {
    expect(cmp('1', '1.0.0.0')).toBe('=');
    expect(cmp('1.2', '1.2.0')).toBe('=');
    expect(cmp('1.2.3.4', '1.2.3')).toBe('>');
    expect(cmp('1.2.3.4', '1.2.3.10')).toBe('<');
    expect(cmp('01.002.3', '1.2.3')).toBe('=');
  });

  it('orders pre-releases before the release, labels case-insensitively, metadata ignored', () => {
    expect(cmp('1.0.0-alpha', '1.0.0')).toBe('<');
    expect(cmp('1.0.0-ALPHA', '1.0.0-alpha')).toBe('=');
    expect(cmp('1.0.0-alpha.1', '1.0.0-alpha')).toBe('>');
    expect(cmp('1.0.0-alpha.2', '1.0.0-alpha.10')).toBe('<');
    expect(cmp('1.0.0-2', '1.0.0-a')).toBe('<');
    expect(cmp('1.0.0+a', '1.0.0+b')).toBe('=');
    expect(cmp('1.0.0-rc.1+a', '1.0.0-RC.1+b')).toBe('=');
  });

  it('reads labels as .NET int.TryParse does: Int32 only, a minus sign allowed', () => {
    // Past Int32 a label is text: compared as a string with the others.
    expect(cmp('1.0.0-2147483647', '1.0.0-2147483648')).toBe('<');
    expect(cmp('1.0.0-10000000000', '1.0.0-9999999999')).toBe('<');
    expect(cmp('1.0.0-10000000000', '1.0.0-a')).toBe('<');
    expect(cmp('1.0.0--1', '1.0.0-0')).toBe('<');
  });

  it('compares version numbers of any size exactly', () => {
    expect(cmp('9007199254740993.0', '9007199254740992.0')).toBe('>');
  });

  it('trims surrounding whitespace, as NuGet does', () => {
    expect(cmp(' 1.0.0 ', '1.0.0')).toBe('=');
  });

  it.each([
    '',
    ' ',
    'v1.0.0',
    '1.',
    '.1',
    '1..2',
    '1.2.3.4.5',
    '1.0.0-',
    '1.0.0+',
    '1.0.0-a..b',
    '1.0.0-01',
    '1.0.0-a_b',
    '1.0.0+a+b',
    '1.0 .0',
    'a',
    '1.0.0-é',
  ])('rejects %j', (raw) => {
    expect(nugetScheme.parse(raw).ok).toBe(false);
  });

  it('accepts leading zeros in metadata and labels like 0a', () => {
    for (const raw of ['1.0.0+001', '1.0.0-0a', '1.0.0-0', '1.0.0-a-']) expect(nugetScheme.parse(raw).ok, raw).toBe(true);
  });
});
