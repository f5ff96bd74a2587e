import { describe, expect, it } from 'vitest';
import { maxOf, minOf, pushAll } from './collections.js';

const many = Array.from({ length: 500_000 }, (_, i) => i);

describe('pushAll / maxOf / minOf', () => {
  it('handle 500,000 items, where spreading them into push or Math.max throws RangeError', () => {
    expect(() => [].push(...(many as never[]))).toThrow(RangeError);
    expect(pushAll([-1], many)).toHaveLength(500_001);
    expect(maxOf(many)).toBe(499_999);
    expect(minOf(many)).toBe(0);
  });

  it('keep Math.max / Math.min semantics: NaN wins, none gives the empty value', () => {
    expect(maxOf([])).toBe(-Infinity);
    expect(minOf([])).toBe(Infinity);
    expect(maxOf([], 0)).toBe(0);
    expect(maxOf([1, Number.NaN, 3])).toBeNaN();
    expect(minOf([3, -2, 7])).toBe(-2);
    expect(pushAll(['a'], new Set(['b', 'c']))).toEqual(['a', 'b', 'c']);
  });
});
