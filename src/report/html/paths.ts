/**
 * Paths as the estate's owner reads them: relative to the config's folder or to a source root,
 * never the absolute paths of the machine that read the estate (its home, its checkout). Imports
 * only plain string code, so the dashboard's page script (bundled for the browser) uses it too.
 */

import { escapeRegExp } from '../../core/text.js';

/** An absolute folder: a path inside it is shown relative to it, the folder alone by `alone`. */
export interface PathRoot {
  prefix: string;
  alone: string;
}

/** The folders the map says it read from (its `inputs`). */
export interface EstateInputs {
  config?: string | null | undefined;
  sources?: readonly string[] | undefined;
  workloads?: readonly string[] | undefined;
}

const isAbsolute = (path: string): boolean => path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
const separatorOf = (path: string): string => (path.includes('/') ? '/' : '\\');
const trimmed = (path: string): string => path.replace(/[\\/]+$/, '');

function parentOf(path: string): string {
  const clean = trimmed(path);
  const at = clean.lastIndexOf(separatorOf(clean));
  return at <= 0 ? separatorOf(clean) : clean.slice(0, at);
}

function baseOf(path: string): string {
  const clean = trimmed(path);
  return clean.slice(clean.lastIndexOf(separatorOf(clean)) + 1);
}

const under = (path: string, folder: string): boolean => path.startsWith(`${folder}${separatorOf(folder)}`);

/**
 * The roots, longest first: each source root (what lies in it is shown as the map names it,
 * `payments-api/Dockerfile`; the root alone by its folder name), the config's folder
 * (`k8s/prod.yaml`), and the parent of any manifest folder outside it (so the folder keeps its
 * name). Relative inputs need nothing.
 */
export function pathRootsOf(inputs: EstateInputs): PathRoot[] {
  const roots = new Map<string, string>();
  const add = (folder: string, alone: string): void => {
    const clean = trimmed(folder);
    if (isAbsolute(folder) && clean !== '' && !roots.has(clean)) roots.set(clean, alone);
  };
  for (const source of inputs.sources ?? []) add(source, baseOf(source));
  const config = inputs.config ?? undefined;
  const configFolder = config !== undefined && isAbsolute(config) ? parentOf(config) : undefined;
  if (configFolder !== undefined) add(configFolder, '.');
  for (const folder of inputs.workloads ?? []) if (configFolder === undefined || !under(trimmed(folder), configFolder)) add(parentOf(folder), '.');
  return [...roots.entries()].map(([prefix, alone]) => ({ prefix, alone })).sort((a, b) => b.prefix.length - a.prefix.length);
}

/** The text with every path under a root written relative to it, and a root named alone by its short name. */
export function relativeText(text: string, roots: readonly PathRoot[]): string {
  let out = text;
  for (const root of roots) {
    if (!out.includes(root.prefix)) continue;
    out = out.split(`${root.prefix}${separatorOf(root.prefix)}`).join('');
    // the folder itself: not followed by more of a name
    out = out.replace(new RegExp(`${escapeRegExp(root.prefix)}(?![\\w.-])`, 'g'), root.alone);
  }
  return out;
}

/**
 * A copy of a JSON-like value with `relativeText` applied to every string in it (object keys stay),
 * but a proposed change's `patch`: its paths are relative already, and its lines must stay the
 * file's lines for the copied patch to apply.
 */
export function withRelativePaths<T>(value: T, roots: readonly PathRoot[]): T {
  if (roots.length === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return relativeText(item, roots);
    if (Array.isArray(item)) return item.map(walk);
    if (item === null || typeof item !== 'object') return item;
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(item)) copy[key] = key === 'patch' && typeof inner === 'string' ? inner : walk(inner);
    return copy;
  };
  return walk(value) as T;
}
