import { describe, expect, it } from 'vitest';
import { hashSecret, isPlaceholder, maskSecret, redact } from './mask.js';

describe('maskSecret', () => {
  it('keeps at most 4 leading characters, fewer for short secrets', () => {
    expect(maskSecret('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA****');
    expect(maskSecret('hunter22')).toBe('hu****');
    expect(maskSecret('abc')).toBe('****');
    expect(maskSecret('')).toBe('****');
  });
  it('never splits a character in two', () => {
    expect(maskSecret('😀😀😀😀😀😀😀😀')).toBe('😀😀****');
  });
});

describe('hashSecret', () => {
  it('is 16 hex digits, stable, and differs between secrets', () => {
    expect(hashSecret('a')).toMatch(/^[0-9a-f]{16}$/);
    expect(hashSecret('a')).toBe(hashSecret('a'));
    expect(hashSecret('a')).not.toBe(hashSecret('b'));
  });
});

describe('isPlaceholder', () => {
  it.each(['', '  ', '${DB_PASSWORD}', '$TOKEN', '%PASSWORD%', '{{ vault_pw }}', '%(password)s', '<password>', 'xxx', 'XXXXXXXX', '****', 'null', 'True'])(
    '%j is a placeholder',
    (value) => expect(isPlaceholder(value)).toBe(true),
  );
  it.each(['changeme', 'hunter2', 's3cr3t', 'x1x'])('%j is reported', (value) => expect(isPlaceholder(value)).toBe(false));
});

describe('redact', () => {
  it('replaces every occurrence, longest secrets first', () => {
    expect(redact('A=abcdefgh B=abcdefgh C=abcd', ['abcd', 'abcdefgh'])).toBe('A=ab**** B=ab**** C=a****');
  });
});
