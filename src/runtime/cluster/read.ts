import { KubeConfig } from '@kubernetes/client-node';
import type { Diagnostic } from '../../core/diagnostics.js';
import { Diagnostics } from '../../core/diagnostics.js';
import { AuthError, NotFoundError, UsageError, messageOf } from '../../core/errors.js';
import type { K8sObject } from '../manifests/load.js';
import type { ClusterResource } from './kinds.js';
import { clusterResources, collectionPath, nodeResource } from './kinds.js';
import type { NodeInfo } from './nodes.js';
import { nodeInfoOf } from './nodes.js';
import type { TransportLimits } from './transport.js';
import { defaultTransportLimits, displayServer, getRaw } from './transport.js';

/** Where and what to read; the CLI resolves `$KUBECONFIG` / `~/.kube/config` into `kubeconfig`. */
export interface ReadClusterOptions {
  /** Path of the kubeconfig file; ignored when `inCluster`. */
  kubeconfig?: string;
  /** Context to use instead of the file's `current-context`. */
  context?: string;
  /** Use the pod's service account (`KUBERNETES_SERVICE_HOST` and the mounted token). */
  inCluster?: boolean;
  /** Whether the process runs in a pod (`KUBERNETES_SERVICE_HOST` is set): the CLI reads its environment, this module does not. */
  inPod?: boolean;
  /** Namespaces to read; all when undefined or empty. Cluster-scoped kinds are always read. */
  namespaces?: string[];
  signal?: AbortSignal;
  /** Objects per list page (the API server's `limit`); default 500 like kubectl. */
  pageSize?: number;
  /** Most objects loaded in total (default 100,000). */
  maxObjects?: number;
  /** Per-request bounds. */
  transport?: TransportLimits;
}

/** Everything read from the cluster, and what could not be. */
export interface ReadClusterResult {
  /** `cluster:<context>`, the `file` of every object. */
  source: string;
  /** The API server URL (without credentials). */
  server: string;
  objects: K8sObject[];
  nodes: NodeInfo[];
  diagnostics: Diagnostic[];
}

interface Session {
  config: KubeConfig;
  server: string;
  shown: string;
  source: string;
  signal: AbortSignal;
  pageSize: number;
  maxObjects: number;
  transport: TransportLimits;
  diagnostics: Diagnostics;
  loaded: number;
}

const namespacePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const maxPages = 10_000;
const concurrency = 4;

/**
 * Reads the posture-relevant objects and the nodes of a live cluster through its API server.
 * Lists are paginated; a kind the credentials may not list (403), or that could not be listed
 * completely, is an `error` diagnostic (nodes: a warning) and the rest still loads; a kind the
 * server does not serve (404) holds no objects: a warning. Unreachable servers, TLS failures and
 * rejected credentials (401) throw `NetworkError`, `TlsError`, `AuthError` naming the server.
 */
export async function readCluster(options: ReadClusterOptions = {}): Promise<ReadClusterResult> {
  const config = loadConfig(options);
  const namespaces = options.namespaces ?? [];
  for (const namespace of namespaces) {
    if (!namespacePattern.test(namespace)) throw new UsageError(`"${namespace}" is not a valid namespace name`);
  }
  const cluster = config.getCurrentCluster();
  if (cluster === null) throw new UsageError(`context "${config.getCurrentContext()}" names no cluster`);
  // One failure (e.g. 401) stops the lists still running, and so does the caller's signal.
  const stop = new AbortController();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
  const session: Session = {
    config,
    server: cluster.server,
    shown: displayServer(cluster.server),
    source: `cluster:${config.getCurrentContext()}`,
    signal,
    pageSize: options.pageSize ?? 500,
    maxObjects: options.maxObjects ?? 100_000,
    transport: options.transport ?? defaultTransportLimits,
    diagnostics: new Diagnostics(),
    loaded: 0,
  };
  if (cluster.server.startsWith('http:')) {
    session.diagnostics.warn('cluster.insecure-transport', 'the API server is reached over plain HTTP', session.shown);
  } else if (cluster.skipTLSVerify) {
    session.diagnostics.warn('cluster.insecure-skip-tls-verify', 'the kubeconfig disables TLS verification of the API server', session.shown);
  }

  const tasks: (() => Promise<Record<string, unknown>[]>)[] = [];
  for (const resource of clusterResources) {
    if (resource.kind === 'Namespace' && namespaces.length > 0) {
      tasks.push(() => getNamespaces(session, namespaces));
    } else if (!resource.namespaced || namespaces.length === 0) {
      tasks.push(() => listAll(session, resource, undefined));
    } else {
      tasks.push(async () => (await Promise.all(namespaces.map((ns) => listAll(session, resource, ns)))).flat());
    }
  }
  tasks.push(() => listAll(session, nodeResource, undefined));
  let results: Record<string, unknown>[][];
  try {
    results = await runLimited(tasks, concurrency);
  } catch (error) {
    stop.abort();
    throw error;
  }

  const nodeItems = results.pop() ?? [];
  const objects: K8sObject[] = [];
  for (const items of results) {
    for (const raw of items) objects.push(toObject(raw, session.source));
  }
  return {
    source: session.source,
    server: session.shown,
    objects,
    nodes: nodeItems.map(nodeInfoOf),
    diagnostics: session.diagnostics.items,
  };
}

function loadConfig(options: ReadClusterOptions): KubeConfig {
  const config = new KubeConfig();
  if (options.inCluster === true) {
    if (options.inPod !== true) {
      throw new UsageError('--in-cluster: KUBERNETES_SERVICE_HOST is not set; this is not running in a pod');
    }
    config.loadFromCluster();
  } else {
    if (options.kubeconfig === undefined) throw new UsageError('no kubeconfig given');
    try {
      config.loadFromFile(options.kubeconfig);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new NotFoundError(`${options.kubeconfig}: kubeconfig not found`, { cause: error });
      // The YAML parser quotes offending lines, which may hold credentials: neither its message
      // nor the error itself (as `cause`) is passed on.
      throw new UsageError(`${options.kubeconfig}: not a valid kubeconfig`);
    }
  }
  if (options.context !== undefined) {
    const names = config.getContexts().map((context) => context.name);
    if (!names.includes(options.context)) {
      throw new UsageError(`context "${options.context}" is not in the kubeconfig`, {
        hint: names.length > 0 ? `known contexts: ${names.join(', ')}` : 'the kubeconfig defines no contexts',
      });
    }
    config.setCurrentContext(options.context);
  }
  if (config.getCurrentContext() === '' || config.getCurrentContext() === undefined) {
    throw new UsageError('the kubeconfig has no current-context; pass --context');
  }
  return config;
}

/** Follows `continue` tokens until the list is complete; returns the items with kind and apiVersion set. */
async function listAll(session: Session, resource: ClusterResource, namespace: string | undefined): Promise<Record<string, unknown>[]> {
  const path = collectionPath(resource, namespace);
  const items: Record<string, unknown>[] = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const query = new URLSearchParams({ limit: String(session.pageSize) });
    if (token !== undefined) query.set('continue', token);
    const body = await request(session, resource, `${path}?${query.toString()}`, namespace);
    if (body === undefined) return items;
    const list = Array.isArray(body['items']) ? (body['items'] as unknown[]) : [];
    for (const item of list) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
      if (resource !== nodeResource && session.loaded >= session.maxObjects) {
        session.diagnostics.add(
          'error',
          'cluster.too-many-objects',
          `more than ${session.maxObjects} objects; the rest of ${resource.plural} (${resource.apiVersion}) are not loaded`,
          session.shown,
        );
        return items;
      }
      if (resource !== nodeResource) session.loaded++;
      items.push(withType(item as Record<string, unknown>, resource));
    }
    const next = record(body['metadata'])['continue'];
    if (typeof next !== 'string' || next === '') return items;
    if (next === token) break; // a server repeating its token would loop forever
    token = next;
  }
  session.diagnostics.add(
    unreadLevel(resource),
    'cluster.pagination-stopped',
    `listing ${resource.plural} (${resource.apiVersion}) did not finish; the rest is not loaded`,
    session.shown,
  );
  return items;
}

/** With namespaces selected, reads just those Namespace objects (listing all may be forbidden). */
async function getNamespaces(session: Session, namespaces: readonly string[]): Promise<Record<string, unknown>[]> {
  const resource = clusterResources.find((r) => r.kind === 'Namespace');
  if (resource === undefined) return [];
  const found = await Promise.all(namespaces.map((ns) => request(session, resource, `${collectionPath(resource)}/${encodeURIComponent(ns)}`, ns)));
  return found.filter((body) => body !== undefined).map((body) => withType(body, resource));
}

/** One GET; undefined (with a diagnostic) for answers that cost only this kind. */
async function request(session: Session, resource: ClusterResource, path: string, namespace: string | undefined): Promise<Record<string, unknown> | undefined> {
  const response = await getRaw(session.config, session.server, path, session.signal, session.transport);
  const what = `${resource.plural} (${resource.apiVersion})${namespace === undefined ? '' : ` in namespace ${namespace}`}`;
  const where = `${session.shown}${path.split('?')[0] ?? path}`;
  if (response.status === 401) {
    throw new AuthError(`${session.shown}: the API server rejected the credentials of ${session.source} (401 Unauthorized)`, {
      hint: 'the token or client certificate is invalid or expired; refresh the kubeconfig credentials',
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch (error) {
    if (response.status >= 200 && response.status < 300) {
      session.diagnostics.add(unreadLevel(resource), 'cluster.bad-response', `${what}: the answer is not JSON: ${messageOf(error)}`, where);
      return undefined;
    }
  }
  if (response.status >= 200 && response.status < 300) {
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
    session.diagnostics.add(unreadLevel(resource), 'cluster.bad-response', `${what}: the answer is not a JSON object`, where);
    return undefined;
  }
  // The API server explains itself in a `Status` object; its message names the user, not the token.
  const reason = typeof record(body)['message'] === 'string' ? `: ${String(record(body)['message'])}` : '';
  if (response.status === 403) {
    session.diagnostics.add(unreadLevel(resource), 'cluster.forbidden', `not allowed to read ${what}; they are not checked${reason}`, where);
  } else if (response.status === 404) {
    const code = resource.kind === 'Namespace' ? 'cluster.namespace-not-found' : 'cluster.kind-unavailable';
    session.diagnostics.warn(code, `${what}: not found on this server${reason}`, where);
  } else if (response.status === 410) {
    session.diagnostics.add(unreadLevel(resource), 'cluster.list-expired', `${what}: the list changed too much while paging; partly loaded${reason}`, where);
  } else {
    session.diagnostics.add(unreadLevel(resource), 'cluster.list-failed', `${what}: HTTP ${response.status}${reason}`, where);
  }
  return undefined;
}

/**
 * How bad it is that a kind could not be (completely) read. Every kind of `clusterResources` is read
 * by some check, so a gap there is an error: a gate cannot pass on objects it did not see. Nodes
 * are only listed (the host controls say "not known" without them): a warning.
 */
function unreadLevel(resource: ClusterResource): 'error' | 'warning' {
  return resource === nodeResource ? 'warning' : 'error';
}

/** List items omit kind and apiVersion; put them back first, as `kubectl get -o json` shows them. */
function withType(item: Record<string, unknown>, resource: ClusterResource): Record<string, unknown> {
  const raw: Record<string, unknown> = { apiVersion: resource.apiVersion, kind: resource.kind, ...item };
  if (typeof raw['apiVersion'] !== 'string' || raw['apiVersion'] === '') raw['apiVersion'] = resource.apiVersion;
  if (typeof raw['kind'] !== 'string' || raw['kind'] === '') raw['kind'] = resource.kind;
  const metadata = record(raw['metadata']);
  // managedFields is server-side-apply bookkeeping: large, and no rule reads it.
  if ('managedFields' in metadata) {
    const { managedFields: _dropped, ...rest } = metadata;
    raw['metadata'] = rest;
  }
  return raw;
}

function toObject(raw: Record<string, unknown>, source: string): K8sObject {
  const metadata = record(raw['metadata']);
  return {
    file: source,
    line: 0,
    apiVersion: String(raw['apiVersion']),
    kind: String(raw['kind']),
    namespace: typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined,
    name: typeof metadata['name'] === 'string' ? metadata['name'] : undefined,
    raw,
    lineOf: () => 0,
  };
}

/** Runs the tasks at most `limit` at a time, results in task order; the first failure rejects. */
async function runLimited<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (task !== undefined) results[index] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
