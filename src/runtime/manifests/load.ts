import { Composer, isMap, isSeq, LineCounter, Parser } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { Diagnostic } from '../../core/diagnostics.js';
import { Diagnostics } from '../../core/diagnostics.js';
import { messageOf } from '../../core/errors.js';
import { defaultLimits } from '../../core/limits.js';
import { isRecord } from '../../core/records.js';

/** One Kubernetes object found in the input, with where it was written. */
export interface K8sObject {
  /** The source name as the CLI gave it: a path, or `-` for stdin. */
  file: string;
  /** 1-based line where the object starts (its document, or its entry in a List's `items`). */
  line: number;
  apiVersion: string;
  kind: string;
  /** `metadata.namespace`; undefined means "the default namespace", resolved later. */
  namespace: string | undefined;
  /** `metadata.name`; undefined when missing (e.g. only `generateName`). */
  name: string | undefined;
  /** The object as parsed. */
  raw: Record<string, unknown>;
  /**
   * The 1-based line of a field inside this object, e.g. `['spec', 'containers', 0, 'image']`;
   * undefined when the path does not exist or its position is unknown.
   */
  lineOf: (path: readonly (string | number)[]) => number | undefined;
}

/** A manifest source handed over by the CLI: a file's text, or stdin's. */
export interface ManifestSource {
  name: string;
  text: string;
  /** Why the file could not be read as text (`not UTF-8 text`): it is named as an error, never skipped silently. */
  unreadable?: string | undefined;
}

/** Bounds on untrusted manifest input; the defaults suit any real cluster dump. */
export interface LoadManifestsOptions {
  /** Largest source text read, in UTF-8 bytes (default `defaultLimits.maxDocumentBytes`). */
  maxSourceBytes?: number;
  /** Most YAML documents read from one source (default 10,000). */
  maxDocuments?: number;
  /** Most objects loaded in total, List items included (default 100,000). */
  maxObjects?: number;
  /** The `yaml` package's alias-expansion bound against "billion laughs" (default 100). */
  maxAliasCount?: number;
  /** Told of each source before it is parsed (for progress on large trees). */
  onSource?: ((name: string, index: number) => void) | undefined;
}

/** What `loadManifests` found: the objects, and diagnostics for everything it had to skip. */
export interface LoadManifestsResult {
  objects: K8sObject[];
  diagnostics: Diagnostic[];
}

type Path = readonly (string | number)[];

const maxListDepth = 4;

/**
 * Parses Kubernetes manifests: multi-document YAML, JSON, `kind: List` and `kubectl get -o
 * json|yaml` dumps (`*List` with `items`). Never throws for bad content: a broken document
 * becomes a diagnostic naming the file and line, and the other documents still load. What could
 * not be read (bad YAML, over a limit) is an `error` diagnostic: callers that gate fail on those.
 */
export function loadManifests(sources: readonly ManifestSource[], options: LoadManifestsOptions = {}): LoadManifestsResult {
  const limits = {
    maxSourceBytes: options.maxSourceBytes ?? defaultLimits.maxDocumentBytes,
    maxDocuments: options.maxDocuments ?? 10_000,
    maxObjects: options.maxObjects ?? 100_000,
    maxAliasCount: options.maxAliasCount ?? 100,
  };
  const diagnostics = new Diagnostics();
  const objects: K8sObject[] = [];
  for (const [index, source] of sources.entries()) {
    options.onSource?.(source.name, index);
    if (objects.length >= limits.maxObjects) {
      diagnostics.add('error', 'manifest.too-many-objects', `more than ${limits.maxObjects} objects; the rest are not loaded`, source.name);
      break;
    }
    try {
      loadSource(source, limits, objects, diagnostics);
    } catch (error) {
      // A parser failure (e.g. stack exhaustion on absurd nesting) costs this source, not the run.
      diagnostics.add('error', 'manifest.unreadable', `could not parse: ${messageOf(error)}`, source.name);
    }
  }
  return { objects, diagnostics: diagnostics.items };
}

type Limits = Required<Omit<LoadManifestsOptions, 'onSource'>>;

function loadSource(source: ManifestSource, limits: Limits, objects: K8sObject[], diagnostics: Diagnostics): void {
  if (source.unreadable !== undefined) {
    diagnostics.add('error', 'manifest.unreadable', `${source.unreadable}; not loaded`, source.name);
    return;
  }
  const bytes = Buffer.byteLength(source.text, 'utf8');
  if (bytes > limits.maxSourceBytes) {
    diagnostics.add('error', 'manifest.too-large', `${bytes} bytes is more than the ${limits.maxSourceBytes}-byte limit; not loaded`, source.name);
    return;
  }
  const lineCounter = new LineCounter();
  // YAML 1.1 like kubectl (go-yaml): `0644` is octal, as file modes are meant. Timestamps stay
  // strings, as the API server sees them. Documents are composed one at a time, so each one's tree
  // can be collected once its objects are taken (a large multi-document input never sits in memory
  // as trees all at once).
  const composer = new Composer({
    version: '1.1',
    prettyErrors: false,
    customTags: (tags) => tags.filter((tag) => typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:timestamp'),
  });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  let count = 0;
  for (const document of composer.compose(new Parser(lineCounter.addNewLine).parse(source.text), true)) {
    if (++count > limits.maxDocuments) {
      diagnostics.add('error', 'manifest.too-many-documents', `more than ${limits.maxDocuments} documents; the rest are not loaded`, source.name);
      return;
    }
    const contents = document.contents;
    const start = contents?.range?.[0] ?? document.range[0];
    const where = `${source.name}:${lineAt(start)}`;
    const firstError = document.errors[0];
    if (firstError !== undefined) {
      const more = document.errors.length > 1 ? ` (and ${document.errors.length - 1} more errors)` : '';
      diagnostics.add(
        'error',
        'manifest.yaml-error',
        `invalid YAML; document skipped: ${firstError.message}${more}`,
        `${source.name}:${lineAt(firstError.pos[0])}`,
      );
      continue;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (error) {
      const code = /alias/i.test(messageOf(error)) ? 'manifest.alias-limit' : 'manifest.yaml-error';
      diagnostics.add('error', code, `document skipped: ${messageOf(error)}`, where);
      continue;
    }
    if (value === null || value === undefined) continue; // empty documents, e.g. Helm's skipped templates
    const context: Context = { file: source.name, lineAt, objects, diagnostics, limits };
    addValue(value, contents ?? undefined, [], lineAt(start), context, 0);
  }
}

interface Context {
  file: string;
  lineAt: (offset: number) => number;
  objects: K8sObject[];
  diagnostics: Diagnostics;
  limits: Limits;
}

/** The List an item was found in: what its items are, when the List says (`PodList` holds `v1` Pods). */
interface ListOf {
  kind: string;
  apiVersion: string;
  /** The kind of its items: `Pod` for a `PodList`; undefined for a generic `List`. */
  itemKind: string | undefined;
}

/**
 * Adds an object, or a List's items, found at `path` below the document's root node. A document
 * that is no Kubernetes object is ignored with a warning (a values file in a chart directory); an
 * item of a List that cannot be read as an object is an error: the List says it is one, and
 * kubectl would refuse the whole List.
 */
function addValue(value: unknown, root: YamlNode | undefined, path: Path, line: number, context: Context, depth: number, list?: ListOf): void {
  const where = `${context.file}:${line}`;
  if (!isRecord(value)) {
    if (list) context.diagnostics.add('error', 'manifest.bad-list-item', `an item of the ${list.kind} is not a mapping; it is not checked`, where);
    else context.diagnostics.warn('manifest.not-an-object', 'a document that is not a mapping is ignored', where);
    return;
  }
  // items of a typed list (`kubectl get --raw`, API list responses) may leave out what the list says
  const apiVersion = nonEmptyString(value.apiVersion) ?? (list?.itemKind ? list.apiVersion : undefined);
  const kind = nonEmptyString(value.kind) ?? list?.itemKind;
  if (kind === undefined || apiVersion === undefined) {
    if (list) context.diagnostics.add('error', 'manifest.bad-list-item', `an item of the ${list.kind} has no apiVersion and kind; it is not checked`, where);
    else context.diagnostics.warn('manifest.not-an-object', 'an object without apiVersion and kind is ignored', where);
    return;
  }
  if (isList(kind, value) && Array.isArray(value.items)) {
    if (depth >= maxListDepth) {
      context.diagnostics.add('error', 'manifest.nested-list', `Lists nested deeper than ${maxListDepth} are ignored`, where);
      return;
    }
    const of: ListOf = { kind, apiVersion, itemKind: kind === 'List' ? undefined : kind.slice(0, -'List'.length) || undefined };
    value.items.forEach((item, index) => {
      const itemPath = [...path, 'items', index];
      const itemLine = lineOfPath(root, itemPath, context.lineAt) ?? line;
      addValue(item, root, itemPath, itemLine, context, depth + 1, of);
    });
    return;
  }
  if (context.objects.length >= context.limits.maxObjects) {
    if (context.objects.length === context.limits.maxObjects) {
      context.diagnostics.add('error', 'manifest.too-many-objects', `more than ${context.limits.maxObjects} objects; the rest are not loaded`, where);
    }
    return;
  }
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const { lineAt } = context;
  context.objects.push({
    file: context.file,
    line,
    apiVersion,
    kind,
    namespace: nonEmptyString(metadata.namespace),
    name: nonEmptyString(metadata.name),
    raw: value.kind === kind && value.apiVersion === apiVersion ? value : { ...value, apiVersion, kind },
    lineOf: lineIndex(nodeAt(root, path), lineAt),
  });
}

/**
 * The line of every field below an object's node, looked up by path. Keeping this small index
 * instead of the YAML tree lets the trees of a large input be collected as soon as each document
 * is read (10,000 objects: 450 MiB peak with the trees kept).
 */
function lineIndex(node: unknown, lineAt: (offset: number) => number): K8sObject['lineOf'] {
  const lines = new Map<string, number>();
  const visit = (current: unknown, key: string, depth: number): void => {
    const range = isNodeWithRange(current) ? current.range : undefined;
    if (range) lines.set(key, lineAt(range[0]));
    if (depth > 64) return; // deeper than any Kubernetes object; absurd nesting is not indexed
    if (isMap(current)) {
      for (const pair of current.items) {
        const name = isNodeWithValue(pair.key) ? pair.key.value : pair.key;
        if (typeof name === 'string' || typeof name === 'number') visit(pair.value, `${key}\0${name}`, depth + 1);
      }
    } else if (isSeq(current)) {
      current.items.forEach((item, index) => visit(item, `${key}\0${index}`, depth + 1));
    }
  };
  visit(node, '', 0);
  return (fieldPath) => lines.get(fieldPath.map((part) => `\0${part}`).join(''));
}

function nodeAt(root: YamlNode | undefined, path: Path): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (isMap(node)) node = node.get(key, true);
    else if (isSeq(node) && typeof key === 'number') node = node.get(key, true);
    else return undefined;
  }
  return node;
}

function isNodeWithValue(node: unknown): node is { value: unknown } {
  return typeof node === 'object' && node !== null && 'value' in node;
}

/** `List`, and the typed lists kubectl prints (`PodList`, `DeploymentList`...). */
function isList(kind: string, value: Record<string, unknown>): boolean {
  return kind === 'List' || (kind.endsWith('List') && 'items' in value);
}

/** The line of the node at `path`, following the YAML tree (aliases are not followed). */
function lineOfPath(root: YamlNode | undefined, path: Path, lineAt: (offset: number) => number): number | undefined {
  const node = nodeAt(root, path);
  const range = isNodeWithRange(node) ? node.range : undefined;
  return range === undefined || range === null ? undefined : lineAt(range[0]);
}

function isNodeWithRange(node: unknown): node is { range?: [number, number, number] | null } {
  return typeof node === 'object' && node !== null && 'range' in node;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
