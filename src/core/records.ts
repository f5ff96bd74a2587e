/** A plain JSON-style object (not an array, not null): what parsed YAML/JSON input is checked for before its fields are read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
