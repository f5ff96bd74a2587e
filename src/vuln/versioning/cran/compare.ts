import { compareZeroPadded } from '../sort-key.js';
import type { CranVersion } from './version.js';

/**
 * R's order: number by number (the shorter padded with zeros), then the longer one is greater
 * (`1.0` < `1.0.0`), as osv-scalibr implements it.
 */
export function compareCran(a: CranVersion, b: CranVersion): number {
  const an = a.numbers;
  const bn = b.numbers;
  return compareZeroPadded(an, bn) || (an.length === bn.length ? 0 : an.length < bn.length ? -1 : 1);
}
