import type { K8sObject } from '../../../runtime/manifests/load.js';
import { isRecord } from '../../../core/records.js';
import { classify } from '../../../runtime/manifests/kinds.js';
import type { WorkloadImage } from '../../../runtime/manifests/images.js';
import type { PodTemplate } from '../../../runtime/manifests/pods.js';
import type { FileEdit } from '../model.js';
import { workloadsOf } from '../../../runtime/rules/workload.js';
import { nodeId } from './ids.js';

/** Run by the control plane: their settings are the platform's business, not the teams'. */
export const systemNamespaces: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export interface Workload {
  object: K8sObject;
  template: PodTemplate;
  namespace: string;
  name: string;
  /** The lifecycle map node id. */
  node: string;
}

function workloads(objects: readonly K8sObject[]): Workload[] {
  return workloadsOf(objects).map(({ object, template }) => {
    const namespace = object.namespace ?? 'default';
    const name = object.name ?? '(unnamed)';
    return { object, template, namespace, name, node: nodeId.workload(namespace, object.kind, name) };
  });
}

/**
 * Workloads that are someone's to change: pods owned by a controller that is also in the input
 * are left out (the Deployment is judged, not each of its pods), as are the system namespaces.
 */
export function teamWorkloads(objects: readonly K8sObject[]): Workload[] {
  return workloads(objects).filter((w) => !systemNamespaces.has(w.namespace) && !ownedByAController(w.object));
}

function ownedByAController(object: K8sObject): boolean {
  const metadata = isRecord(object.raw.metadata) ? object.raw.metadata : {};
  const owners = Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences.filter(isRecord) : [];
  return owners.some((owner) => owner.controller === true);
}

export function byNamespace(list: readonly Workload[]): Map<string, Workload[]> {
  const groups = new Map<string, Workload[]>();
  for (const workload of list) groups.set(workload.namespace, [...(groups.get(workload.namespace) ?? []), workload]);
  return groups;
}

export function namespaceObjects(objects: readonly K8sObject[]): Map<string, K8sObject> {
  const result = new Map<string, K8sObject>();
  for (const object of objects) if (classify(object) === 'namespace' && object.name !== undefined) result.set(object.name, object);
  return result;
}

/** Whether a label selector (`matchLabels` / `matchExpressions`) selects a pod with these labels. */
export function selects(selector: Record<string, unknown>, labels: Record<string, string>): boolean {
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isRecord) : [];
  for (const expression of expressions) {
    const key = typeof expression.key === 'string' ? expression.key : '';
    const values = Array.isArray(expression.values) ? expression.values.filter((v): v is string => typeof v === 'string') : [];
    const has = Object.hasOwn(labels, key);
    switch (expression.operator) {
      case 'In':
        if (!has || !values.includes(labels[key] as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key] as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false; // an unknown operator selects nothing, as the API server would refuse it
    }
  }
  return true;
}

export function podLabels(template: PodTemplate): Record<string, string> {
  const labels: Record<string, string> = {};
  if (isRecord(template.metadata.labels))
    for (const [key, value] of Object.entries(template.metadata.labels)) if (typeof value === 'string') labels[key] = value;
  return labels;
}

/** A live cluster read (`cluster:<context>`) or files. */
export function fromCluster(sources: readonly string[]): boolean {
  return sources.some((source) => source.startsWith('cluster:'));
}

/** The image of a manifest pinned to a digest on its own line (nothing for a live cluster's objects). */
export function pinEdits(image: Pick<WorkloadImage, 'file' | 'line' | 'image'>, digest: string): FileEdit[] {
  if (image.file.startsWith('cluster:')) return [];
  const name = image.image.split('@')[0] ?? image.image;
  return [{ kind: 'substitute', file: image.file, line: image.line, find: image.image, replace: `${name}@${digest}` }];
}
