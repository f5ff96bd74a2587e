import type { CranVersion } from './version.js';

/**
 * R's order: number by number (the shorter padded with zeros), then the longer one is greater
 * (`1.0` < `1.0.0`), as osv-scalibr implements it.
 */
export function compareCran(a: CranVersion, b: CranVersion): number {
  const an = a.numbers;
  const bn = b.numbers;
  const n = Math.max(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    const x = an[i] ?? 0;
    const y = bn[i] ?? 0;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return an.length === bn.length ? 0 : an.length < bn.length ? -1 : 1;
}
