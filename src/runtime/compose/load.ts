import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Pair, YAMLMap } from 'yaml';
import type { Diagnostic } from '../../core/diagnostics.js';
import { Diagnostics } from '../../core/diagnostics.js';
import { messageOf } from '../../core/errors.js';
import { defaultLimits } from '../../core/limits.js';
import { isRecord } from '../../core/records.js';

/** A path below a service: mapping keys and sequence indexes, e.g. `['ports', 0]`. */
export type ComposePath = readonly (string | number)[];

/** One service of a compose file, with where it was written. */
export interface ComposeService {
  /** The source name as given (a path, or `-` for stdin). */
  file: string;
  /** The key under `services:`. */
  name: string;
  /** 1-based line of the service's key. */
  line: number;
  /** The service as parsed, anchors and merge keys (`<<: *defaults`) resolved. */
  raw: Record<string, unknown>;
  /**
   * The 1-based line of a field of this service, e.g. `['environment', 'DB_PASSWORD']`: where it is
   * written, inside an anchor when it comes from a merge key. Undefined when the path is absent.
   */
  lineOf: (path: ComposePath) => number | undefined;
}

/** What `loadCompose` found: the services, and diagnostics for what it could not read. */
export interface LoadComposeResult {
  services: ComposeService[];
  diagnostics: Diagnostic[];
}

/** Bounds on untrusted compose input. */
export interface LoadComposeOptions {
  /** Largest source text read, in UTF-8 bytes (default `defaultLimits.maxDocumentBytes`). */
  maxSourceBytes?: number;
  /** The `yaml` package's alias-expansion bound against "billion laughs" (default 100). */
  maxAliasCount?: number;
}

// Anchors may chain (an alias of a map that merges another); a bound keeps a crafted file finite.
const maxHops = 16;

/**
 * Parses a docker-compose file (v2, v3 or the Compose Specification; `version:` is optional).
 * Never throws: malformed YAML, or a file that is not a compose file, becomes a diagnostic naming
 * the file and line. Services that are not mappings are skipped with a warning.
 */
export function loadCompose(name: string, text: string, options: LoadComposeOptions = {}): LoadComposeResult {
  const diagnostics = new Diagnostics();
  try {
    return { services: load(name, text, options, diagnostics), diagnostics: diagnostics.items };
  } catch (error) {
    // e.g. stack exhaustion on absurd nesting: this file is lost, not the run
    diagnostics.add('error', 'compose.unreadable', `could not parse: ${messageOf(error)}`, name);
    return { services: [], diagnostics: diagnostics.items };
  }
}

function load(name: string, text: string, options: LoadComposeOptions, diagnostics: Diagnostics): ComposeService[] {
  const maxSourceBytes = options.maxSourceBytes ?? defaultLimits.maxDocumentBytes;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxSourceBytes) {
    diagnostics.add('error', 'compose.too-large', `${bytes} bytes is more than the ${maxSourceBytes}-byte limit; not loaded`, name);
    return [];
  }
  const lineCounter = new LineCounter();
  // Compose merges `<<` keys (go-yaml does) although YAML 1.2 dropped them.
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more errors)` : '';
    diagnostics.add('error', 'compose.yaml-error', `invalid YAML: ${firstError.message}${more}`, `${name}:${lineAt(firstError.pos[0])}`);
    return [];
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: options.maxAliasCount ?? 100 });
  } catch (error) {
    const code = /alias/i.test(messageOf(error)) ? 'compose.alias-limit' : 'compose.yaml-error';
    diagnostics.add('error', code, `not loaded: ${messageOf(error)}`, name);
    return [];
  }
  if (value === null || value === undefined) {
    diagnostics.warn('compose.empty', 'the compose file is empty', name);
    return [];
  }
  if (!isRecord(value)) {
    diagnostics.add('error', 'compose.not-a-mapping', 'a compose file must be a mapping with a `services` key', `${name}:1`);
    return [];
  }
  const services = value.services;
  if (services === undefined || services === null) {
    diagnostics.warn('compose.no-services', 'no `services` key: nothing to check', name);
    return [];
  }
  const servicesPair = findPair(doc.contents, 'services', doc);
  const servicesLine = (servicesPair ? lineOfPair(servicesPair, lineAt) : undefined) ?? 1;
  if (!isRecord(services)) {
    diagnostics.add('error', 'compose.not-a-mapping', '`services` must be a mapping of service names', `${name}:${servicesLine}`);
    return [];
  }
  const servicesNode = servicesPair ? resolve(servicesPair.value, doc) : undefined;
  const result: ComposeService[] = [];
  for (const [serviceName, raw] of Object.entries(services)) {
    const pair = findPair(servicesNode, serviceName, doc);
    const line = (pair ? lineOfPair(pair, lineAt) : undefined) ?? servicesLine;
    if (!isRecord(raw)) {
      diagnostics.warn('compose.service-not-a-mapping', `service ${JSON.stringify(serviceName)} is not a mapping; skipped`, `${name}:${line}`);
      continue;
    }
    const node = pair?.value;
    result.push({ file: name, name: serviceName, line, raw, lineOf: (path) => lineOfPath(node, path, doc, lineAt) });
  }
  return result;
}

/** The line of the field at `path` below `root`, following aliases and merge keys. */
function lineOfPath(root: unknown, path: ComposePath, doc: Document, lineAt: (offset: number) => number): number | undefined {
  let node: unknown = root;
  let line: number | undefined;
  for (const key of path) {
    const current = resolve(node, doc);
    if (isMap(current)) {
      const pair = findPair(current, key, doc);
      if (!pair) return undefined;
      line = lineOfPair(pair, lineAt);
      node = pair.value;
    } else if (isSeq(current) && typeof key === 'number') {
      node = current.items[key];
      line = rangeLine(node, lineAt);
      if (line === undefined) return undefined;
    } else {
      return undefined;
    }
  }
  return line;
}

/** The entry for `key` in a mapping: written in it, else inherited through `<<` (first source wins). */
function findPair(node: unknown, key: string | number, doc: Document, depth = 0): Pair | undefined {
  const map = resolve(node, doc);
  if (!isMap(map)) return undefined;
  const items = (map as YAMLMap).items;
  for (const pair of items) {
    if (!isMergeKey(pair.key) && keyOf(pair.key) === String(key)) return pair;
  }
  if (depth >= maxHops) return undefined;
  for (const pair of items) {
    if (!isMergeKey(pair.key)) continue;
    const source = resolve(pair.value, doc);
    const sources: unknown[] = isSeq(source) ? source.items : [source];
    for (const each of sources) {
      const found = findPair(each, key, doc, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function resolve(node: unknown, doc: Document): unknown {
  let current = node;
  for (let hop = 0; hop < maxHops && isAlias(current); hop++) current = current.resolve(doc);
  return current;
}

function isMergeKey(key: unknown): boolean {
  // with `merge: true`, the yaml package parses a plain `<<` key to a symbol value
  return isScalar(key) && (typeof key.value === 'symbol' || (key.value === '<<' && key.type === 'PLAIN'));
}

function keyOf(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

function lineOfPair(pair: Pair, lineAt: (offset: number) => number): number | undefined {
  return rangeLine(pair.key, lineAt) ?? rangeLine(pair.value, lineAt);
}

function rangeLine(node: unknown, lineAt: (offset: number) => number): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range: unknown = node.range;
  return Array.isArray(range) && typeof range[0] === 'number' ? lineAt(range[0]) : undefined;
}
