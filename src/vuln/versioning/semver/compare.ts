import type { SemverIdentifier, SemverNumber, SemverVersion } from './version.js';

function compareNumber(a: SemverNumber, b: SemverNumber): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// §11.4: numeric identifiers compare numerically and sort before alphanumeric ones, which
// compare in ASCII order (`<` on strings compares UTF-16 code units: ASCII order for ASCII).
function compareIdentifier(a: SemverIdentifier, b: SemverIdentifier): number {
  const aText = typeof a === 'string';
  const bText = typeof b === 'string';
  if (aText !== bText) return aText ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * SemVer 2.0.0 precedence (semver.org §11): major, minor, patch numerically; a pre-release sorts
 * before its release; pre-releases identifier by identifier, a longer list winning a tie. Build
 * metadata is ignored (§10), so `1.0.0+a` and `1.0.0+b` are equal.
 */
export function compareSemver(a: SemverVersion, b: SemverVersion): number {
  const core = compareNumber(a.major, b.major) || compareNumber(a.minor, b.minor) || compareNumber(a.patch, b.patch);
  if (core !== 0) return core;
  const ap = a.prerelease;
  const bp = b.prerelease;
  if (ap.length === 0) return bp.length === 0 ? 0 : 1;
  if (bp.length === 0) return -1;
  const n = Math.min(ap.length, bp.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifier(ap[i] as SemverIdentifier, bp[i] as SemverIdentifier);
    if (c !== 0) return c;
  }
  return ap.length === bp.length ? 0 : ap.length < bp.length ? -1 : 1;
}
