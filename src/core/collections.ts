/** The items with a key not seen before, in order: the first of each key is kept. */
export function uniqueBy<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = keyOf(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// `target.push(...items)` and `Math.max(...values)` put every item on the call stack as an
// argument: past about 120,000 of them (a big inventory, tag list or file) they throw RangeError.
// Loops have no such limit; eslint forbids the spread forms in src/.

/** Appends the items to `target` (and returns it). */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The largest value; `empty` when there is none (`Math.max()` gives -Infinity). */
export function maxOf(values: Iterable<number>, empty = -Infinity): number {
  let max: number | undefined;
  for (const value of values) max = max === undefined ? value : Math.max(max, value);
  return max ?? empty;
}

/** The smallest value; `empty` when there is none (`Math.min()` gives Infinity). */
export function minOf(values: Iterable<number>, empty = Infinity): number {
  let min: number | undefined;
  for (const value of values) min = min === undefined ? value : Math.min(min, value);
  return min ?? empty;
}
