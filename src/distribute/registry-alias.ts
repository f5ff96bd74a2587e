import { escapeRegExp } from '../core/text.js';

/**
 * The example estate names its registry `registry.shop.internal`, as the pipelines and manifests
 * do; the demo serves it on `127.0.0.1:PORT`. After scanning the local registry, this relabels the
 * result so that it joins with the pipelines and workloads: every occurrence of the host `from` (as
 * a whole host: `127.0.0.1:5000` is not rewritten inside `127.0.0.1:50001`) in every string and
 * object key becomes `to`. Works on any JSON-like value (a RegistryScanReport, a lifecycle map).
 */
export function rewriteRegistry<T>(value: T, from: string, to: string): T {
  const pattern = new RegExp(`(?<![\\w.:-])${escapeRegExp(from)}(?![\\w.:-])`, 'g');
  return rewrite(value, (text) => text.replace(pattern, to)) as T;
}

function rewrite(value: unknown, replace: (text: string) => string): unknown {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((item) => rewrite(item, replace));
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [typeof key === 'string' ? replace(key) : key, rewrite(item, replace)]));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [replace(key), rewrite(item, replace)]));
  }
  return value;
}
