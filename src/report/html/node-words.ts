import type { LifecycleEdgeKind, LifecycleNode, LifecycleNodeKind } from '../../lifecycle/model.js';
import { shorten } from './escape.js';
import { formatValue } from './format.js';

/** What each kind of node is, in words (the map's captions and panels). */
export const kindWords: Record<LifecycleNodeKind, string> = {
  repository: 'source repository',
  dockerfile: 'Dockerfile',
  pipeline: 'CI pipeline',
  image: 'image',
  registry: 'registry',
  workload: 'workload',
  cluster: 'cluster',
  node: 'host',
  container: 'container',
};

/** What an edge states, as a verb between its two ends (`workload pulls image`). */
export const edgeWords: Record<LifecycleEdgeKind, string> = {
  contains: 'contains',
  uses: 'uses',
  builds: 'builds',
  'based-on': 'is based on',
  'pushes-to': 'pushes to',
  'copied-from': 'is copied from',
  'stored-in': 'is stored in',
  'pulled-from': 'pulls',
  runs: 'runs',
  'hosted-on': 'runs on',
  hosts: 'hosts',
};

/** A node's name in full: a workload's label lacks its namespace (prod and staging run the same `Deployment/api`). */
export function fullNameOf(node: Pick<LifecycleNode, 'kind' | 'label' | 'attributes'>): string {
  const namespace = node.attributes['namespace'];
  if (node.kind !== 'workload' || typeof namespace !== 'string' || node.label.startsWith(`${namespace}/`)) return node.label;
  return `${namespace}/${node.label}`;
}

/**
 * A node's label cut to `max` characters keeping the part that tells nodes apart: image names and
 * paths share their leading registry or folders, so the tail is kept (`…/shop/payments-api:142`,
 * not `registry.shop.internal/sh…`); a name without slashes (a host) keeps its head.
 */
export function shortLabel(label: string, max: number): string {
  const flat = label.replace(/\s+/g, ' ').trim();
  if (flat.length <= max || !flat.includes('/')) return shorten(flat, max);
  const segments = flat.split('/');
  let tail = segments.pop() ?? '';
  if (tail.length + 2 > max) {
    // one segment longer than the room: its start and end (a name and its tag) around an ellipsis
    const head = Math.ceil((max - 1) / 2);
    return `${tail.slice(0, head)}…${tail.slice(tail.length - (max - 1 - head))}`;
  }
  for (let segment = segments.pop(); segment !== undefined && segment.length + tail.length + 3 <= max; segment = segments.pop()) tail = `${segment}/${tail}`;
  return `…/${tail}`;
}

/** Attribute names in words, in the order the panel lists them; others follow in name order. */
const factNames: Record<string, string> = {
  namespace: 'Namespace',
  kind: 'Kind',
  name: 'Name',
  system: 'CI system',
  path: 'Folder',
  file: 'File',
  line: 'Line',
  stages: 'Build stages',
  findings: 'Lint findings',
  role: 'Role in the estate',
  registry: 'Registry',
  repository: 'Repository',
  host: 'Host',
  public: 'Public registry',
  pushed: 'Pushed by a pipeline',
  inRegistry: 'Found in the registry',
  scanned: 'Registry scanned',
  scannedAt: 'Scanned at',
  prefix: 'Scanned under',
  repositories: 'Repositories',
  images: 'Images',
  scheme: 'Protocol',
  authScheme: 'Authentication',
  anonymousPull: 'Anonymous pulls allowed',
  tags: 'Tags',
  digests: 'Digests',
  unknownVariables: 'Variables not resolved',
  sources: 'Read from',
  nodes: 'Hosts',
  osImage: 'Operating system image',
  operatingSystem: 'Operating system',
  kernelVersion: 'Kernel version',
  containerRuntimeVersion: 'Container runtime',
  kubeletVersion: 'Kubelet version',
  architecture: 'Architecture',
  cloud: 'Cloud provider',
  instanceId: 'Cloud instance',
  instanceType: 'Instance type',
  region: 'Region',
  zone: 'Zone',
};

const roleWords: Record<string, string> = {
  parent: 'a parent image other images are built on',
  built: 'built by a pipeline of the estate',
  both: 'built here, and a parent of other images',
  'run-only': 'run, but built by no pipeline of the estate',
  'stored-only': 'only found in the registry',
};

/** `unknownVariables` → `Unknown variables`: the fallback for attributes the table above does not name. */
function wordsOf(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function valueWords(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (name === 'role' && typeof value === 'string') return roleWords[value] ?? value;
  if (Array.isArray(value) && value.length === 0) return 'none';
  if (name === 'tags' && typeof value === 'object' && !Array.isArray(value)) {
    const tags = Object.entries(value as Record<string, unknown>).map(([tag, digest]) => (typeof digest === 'string' ? `${tag} (${digest})` : tag));
    return tags.length ? tags.join(', ') : 'none';
  }
  return formatValue(value);
}

/** A node's attributes as facts a person reads: named in words, yes/no for flags, empty ones left out. */
export function factRows(node: Pick<LifecycleNode, 'attributes'>): { term: string; text: string }[] {
  const order = Object.keys(factNames);
  const rank = (name: string): number => (order.includes(name) ? order.indexOf(name) : order.length);
  return Object.entries(node.attributes)
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([name, value]) => {
      const text = valueWords(name, value);
      return text === undefined ? [] : [{ term: factNames[name] ?? wordsOf(name), text }];
    });
}
