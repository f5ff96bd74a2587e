/**
 * Versions as flat arrays of numbers ("sort keys") that compare element by element: the schemes
 * that follow a C comparison loop (dpkg, rpm) translate it once at parse time, so comparing is a
 * tight loop over numbers with no allocation.
 */

/** The value of the decimal digits text[from, to) (at most 9 of them, so it stays exact). */
export function digitsValue(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

/** Element by element; the first difference decides, else the shorter key sorts first. */
export function compareSortKeys(a: readonly number[], b: readonly number[]): number {
  const length = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Number lists compared as release numbers: position by position, a missing number counting as 0. */
export function compareZeroPadded(a: readonly (number | bigint)[], b: readonly (number | bigint)[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}
