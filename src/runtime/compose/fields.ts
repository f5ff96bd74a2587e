/** Small readers for compose fields, tolerant of wrong types (a compose file is untrusted input). */
import { isRecord } from '../../core/records.js';

/** `true`, or the string `"true"` that compose also accepts for booleans. */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

/** A scalar as text (`8080` and `"8080"` alike); undefined for mappings, lists and null. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** The entries of a list field with their indexes; a single scalar counts as a one-entry list. */
export function listEntries(value: unknown): { index: number; value: unknown }[] {
  if (Array.isArray(value)) return value.map((entry: unknown, index) => ({ index, value: entry }));
  return value === undefined || value === null ? [] : [{ index: 0, value }];
}

/** A value at `path` below a record, or undefined when any step is missing or not a mapping. */
export function valueAt(record: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = record;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Whether a value uses compose variable interpolation (`$VAR`, `${VAR}`); `$$` is a literal `$`. */
export function isInterpolated(text: string): boolean {
  return text.replaceAll('$$', '').includes('$');
}
