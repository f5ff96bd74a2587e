import { describe, expect, it } from 'vitest';
import { escapeRegExp, plural, pluralWord } from './text.js';

describe('escapeRegExp', () => {
  it('matches every metacharacter literally', () => {
    const text = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o';
    const pattern = new RegExp(`^${escapeRegExp(text)}$`);
    expect(pattern.test(text)).toBe(true);
    expect(pattern.test(text.replace('.', 'X'))).toBe(false);
  });

  it('leaves ordinary text as it is', () => {
    expect(escapeRegExp('registry.example/app-1')).toBe('registry\\.example/app-1');
  });
});

describe('plural', () => {
  it('uses the singular for one and the plural for any other count, zero included', () => {
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(0, 'file')).toBe('0 files');
    expect(plural(2, 'vulnerability', 'vulnerabilities')).toBe('2 vulnerabilities');
    expect(pluralWord(1, 'variable')).toBe('variable');
    expect(pluralWord(3, 'variable')).toBe('variables');
  });
});
