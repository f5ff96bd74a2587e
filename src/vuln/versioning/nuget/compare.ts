import type { NugetLabel, NugetVersion } from './version.js';

// NuGet's `CompareRelease`: numbers numerically and before text; text case-insensitively
// (labels are stored upper-cased, and for [0-9A-Z-] code-unit order is OrdinalIgnoreCase's).
function compareLabel(a: NugetLabel, b: NugetLabel): number {
  const aText = typeof a === 'string';
  if (aText !== (typeof b === 'string')) return aText ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * NuGet's `VersionComparer.Default`: the four numbers, then a release after its pre-releases,
 * then label by label, more labels winning a tie. Metadata is ignored.
 */
export function compareNuget(a: NugetVersion, b: NugetVersion): number {
  for (let i = 0; i < 4; i++) {
    const x = a.numbers[i] as number | bigint;
    const y = b.numbers[i] as number | bigint;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  const al = a.labels;
  const bl = b.labels;
  if (al.length === 0) return bl.length === 0 ? 0 : 1;
  if (bl.length === 0) return -1;
  const n = Math.min(al.length, bl.length);
  for (let i = 0; i < n; i++) {
    const c = compareLabel(al[i] as NugetLabel, bl[i] as NugetLabel);
    if (c !== 0) return c;
  }
  return al.length === bl.length ? 0 : al.length < bl.length ? -1 : 1;
}
