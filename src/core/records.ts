/** A plain JSON-style object (not an array, not null): what parsed YAML/JSON input is checked for before its fields are read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `record[key]` for a key from input: only the record's own entries, so `constructor`, `toString`
 * or `__proto__` find nothing instead of Object.prototype's members.
 */
export function ownEntry<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
