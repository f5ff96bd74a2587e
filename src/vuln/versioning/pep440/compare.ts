import type { Pep440Number, Pep440Version } from './version.js';

function compareNumbers(a: readonly Pep440Number[], b: readonly Pep440Number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as Pep440Number;
    const y = b[i] as Pep440Number;
    if (x !== y) return x < y ? -1 : x > y ? 1 : 0;
  }
  // Python tuples: a shorter prefix sorts first.
  return a.length - b.length;
}

// PEP 440 local segments: alphanumeric parts sort before numeric ones, strings
// lexicographically, numbers numerically, a shorter segment first on a common prefix.
function compareLocal(a: Pep440Version['local'], b: Pep440Version['local']): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as Pep440Number | string;
    const y = b[i] as Pep440Number | string;
    if (x === y) continue;
    const xText = typeof x === 'string';
    if (xText !== (typeof y === 'string')) return xText ? -1 : 1;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return a.length - b.length;
}

/**
 * PEP 440 order, exactly packaging's `_cmpkey`: epoch, release without trailing zeros, then
 * pre/post/dev (`1.0.dev0 < 1.0a1.dev0 < 1.0a1 < 1.0a1.post0.dev0 < 1.0a1.post0 < 1.0 <
 * 1.0.post0.dev0 < 1.0.post0`), then local (`1.0 < 1.0+abc < 1.0+1`).
 */
export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const release = compareNumbers(a.keyRelease, b.keyRelease);
  if (release !== 0) return release;
  const suffix = compareNumbers(a.keySuffix, b.keySuffix);
  if (suffix !== 0) return suffix;
  return compareLocal(a.local, b.local);
}
