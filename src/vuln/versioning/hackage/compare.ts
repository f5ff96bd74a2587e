import type { HackageVersion } from './version.js';

/**
 * Cabal's order, which is Haskell's list order: number by number, then the longer one is greater
 * (`1.0` > `1`), as osv-scalibr implements it.
 */
export function compareHackage(a: HackageVersion, b: HackageVersion): number {
  const an = a.numbers;
  const bn = b.numbers;
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    const x = an[i] as number;
    const y = bn[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return an.length === bn.length ? 0 : an.length < bn.length ? -1 : 1;
}
