import type { PodSpec } from './types.js';

/** A value that is present but of the wrong type: treated as offending by every check that reads it. */
export const INVALID: unique symbol = Symbol('invalid');
export type Invalid = typeof INVALID;

export type Obj = Record<string, unknown>;

/** A plain (YAML mapping) object. */
export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent in the Go sense: a nil pointer (missing key or YAML `null`). */
export function isUnset(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** A field's raw value; INVALID when the parent is INVALID, undefined when the parent is unset. */
export function val(parent: Obj | Invalid | undefined, key: string): unknown {
  if (parent === INVALID) return INVALID;
  if (parent === undefined) return undefined;
  return parent[key];
}

/** An object field: undefined when unset, INVALID when the value (or the parent) is not an object. */
export function obj(parent: Obj | Invalid | undefined, key: string): Obj | Invalid | undefined {
  const v = val(parent, key);
  if (isUnset(v)) return undefined;
  return isObj(v) ? v : INVALID;
}

/** A list field: [] when unset, INVALID when the value (or the parent) is not a list. */
export function list(parent: Obj | Invalid | undefined, key: string): unknown[] | Invalid {
  const v = val(parent, key);
  if (isUnset(v)) return [];
  return Array.isArray(v) ? v : INVALID;
}

/** A string field's value for messages; wrong types are shown as JSON. */
export function show(value: unknown): string {
  if (value === INVALID) return '<invalid>';
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** One container as the visitor hands it to a check. */
export interface ContainerRef {
  /** The container's name (or a placeholder when it has none or is malformed). */
  name: string;
  /** The container object, or INVALID when the entry (or its list) is not an object. */
  container: Obj | Invalid;
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/**
 * PSA's `visitContainers`: init containers, containers, then ephemeral containers. A list that
 * is not a list yields one INVALID container, so checks fail closed instead of skipping it.
 */
export function containers(spec: PodSpec): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const key of CONTAINER_LISTS) {
    const items = list(spec, key);
    if (items === INVALID) {
      out.push({ name: `<${key}>`, container: INVALID });
      continue;
    }
    items.forEach((item, i) => {
      if (!isObj(item)) {
        out.push({ name: `<${key}[${i}]>`, container: INVALID });
        return;
      }
      const name = item.name;
      out.push({ name: typeof name === 'string' ? name : `<${key}[${i}]>`, container: item });
    });
  }
  return out;
}

/** `"a", "b"` as PSA's `joinQuote`. */
export function joinQuote(items: readonly string[]): string {
  return items.map((s) => JSON.stringify(s)).join(', ');
}

/** `hostUsers: false` (a user-namespaced pod): newer versions relax some checks for it. */
export function usesUserNamespace(spec: PodSpec): boolean {
  return spec.hostUsers === false;
}

/** `spec.os.name: windows`: restricted checks that are meaningless on Windows skip it from v1.25. */
export function isWindowsPod(spec: PodSpec): boolean {
  return val(obj(spec, 'os'), 'name') === 'windows';
}

/** The result of a check that found nothing. */
export const ALLOWED = { allowed: true } as const;
