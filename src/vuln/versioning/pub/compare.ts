import { compareZeroPadded } from '../sort-key.js';
import type { PubNumber, PubVersion } from './version.js';

function compareIdentifier(a: PubNumber | string, b: PubNumber | string): number {
  const aText = typeof a === 'string';
  if (aText !== (typeof b === 'string')) return aText ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * osv-scalibr's Pub order: the numbers (missing ones 0); a release after its pre-releases, which
 * compare as SemVer's (numbers numerically and first, text in ASCII order, more identifiers
 * winning a tie); then the build metadata as a plain string (`+1` < `+10` < `+9` < `+a`, and no
 * build first). Pub itself compares build identifiers like pre-release ones.
 */
export function comparePub(a: PubVersion, b: PubVersion): number {
  const numbers = compareZeroPadded(a.numbers, b.numbers);
  if (numbers !== 0) return numbers;
  const ap = a.prerelease;
  const bp = b.prerelease;
  if (ap.length === 0 && bp.length !== 0) return 1;
  if (ap.length !== 0 && bp.length === 0) return -1;
  const m = Math.min(ap.length, bp.length);
  for (let i = 0; i < m; i++) {
    const c = compareIdentifier(ap[i] as PubNumber | string, bp[i] as PubNumber | string);
    if (c !== 0) return c;
  }
  if (ap.length !== bp.length) return ap.length < bp.length ? -1 : 1;
  return a.build < b.build ? -1 : a.build > b.build ? 1 : 0;
}
