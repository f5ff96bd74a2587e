import { ownEntry } from '../../core/records.js';
import type { K8sObject } from './load.js';
import { isRecord } from '../../core/records.js';

/** The pod a workload runs: its template's metadata and spec, and where the spec is in the object. */
export interface PodTemplate {
  /** The pod's metadata (labels, annotations); `{}` when missing or not a mapping. */
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
  /** Dotted path of `spec` inside the object, e.g. `spec.template.spec`, for messages. */
  path: string;
  /** The same path as keys, for `K8sObject.lineOf`. */
  pathKeys: readonly string[];
}

/** API groups per pod-bearing kind: a CRD that happens to be called `Deployment` is not one. */
const podKinds: Record<string, { groups: readonly string[]; template: readonly string[] }> = {
  Pod: { groups: [''], template: [] },
  PodTemplate: { groups: [''], template: ['template'] },
  ReplicationController: { groups: [''], template: ['spec', 'template'] },
  ReplicaSet: { groups: ['apps', 'extensions'], template: ['spec', 'template'] },
  Deployment: { groups: ['apps', 'extensions'], template: ['spec', 'template'] },
  StatefulSet: { groups: ['apps'], template: ['spec', 'template'] },
  DaemonSet: { groups: ['apps', 'extensions'], template: ['spec', 'template'] },
  Job: { groups: ['batch'], template: ['spec', 'template'] },
  CronJob: { groups: ['batch'], template: ['spec', 'jobTemplate', 'spec', 'template'] },
};

/** The API group of an `apiVersion`: `apps/v1` → `apps`, `v1` → `` (core). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Whether the object is one of the built-in kinds that run pods. */
export function isPodBearing(object: Pick<K8sObject, 'apiVersion' | 'kind'>): boolean {
  const entry = ownEntry(podKinds, object.kind);
  return entry !== undefined && entry.groups.includes(apiGroupOf(object.apiVersion));
}

/**
 * The pod template of a Pod, PodTemplate, ReplicationController, ReplicaSet, Deployment,
 * StatefulSet, DaemonSet, Job or CronJob; undefined for other kinds or when the fields along the
 * way are missing or are not mappings.
 */
export function podTemplateOf(object: Pick<K8sObject, 'apiVersion' | 'kind' | 'raw'>): PodTemplate | undefined {
  if (!isPodBearing(object)) return undefined;
  const entry = ownEntry(podKinds, object.kind);
  if (entry === undefined) return undefined;
  let template: unknown = object.raw;
  for (const key of entry.template) {
    template = isRecord(template) ? template[key] : undefined;
  }
  if (!isRecord(template) || !isRecord(template.spec)) return undefined;
  const pathKeys = [...entry.template, 'spec'];
  return {
    metadata: isRecord(template.metadata) ? template.metadata : {},
    spec: template.spec,
    path: pathKeys.join('.'),
    pathKeys,
  };
}
