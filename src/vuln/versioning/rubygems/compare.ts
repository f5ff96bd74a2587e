import type { GemSegment, GemVersion } from './version.js';

/**
 * `Gem::Version#<=>` on canonical segments: the shorter padded with zeros; a letter segment (a
 * pre-release) sorts before any number; numbers numerically, letters bytewise (ASCII, so `<` on
 * strings is the same order).
 */
export function compareGem(a: GemVersion, b: GemVersion): number {
  const as = a.segments;
  const bs = b.segments;
  const n = Math.max(as.length, bs.length);
  for (let i = 0; i < n; i++) {
    const x: GemSegment = as[i] ?? 0;
    const y: GemSegment = bs[i] ?? 0;
    const xText = typeof x === 'string';
    if (xText !== (typeof y === 'string')) return xText ? -1 : 1;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}
