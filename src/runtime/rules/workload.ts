import type { K8sObject } from '../manifests/load.js';
import type { PodTemplate } from '../manifests/pods.js';
import { podTemplateOf } from '../manifests/pods.js';
import { isRecord } from '../../core/records.js';

/** The pod spec's container lists, by field name. */
export type ContainerList = 'initContainers' | 'containers' | 'ephemeralContainers';

/** One container of one pod-bearing object, with the keys that lead to it (for `lineOf`). */
export interface ContainerRef {
  object: K8sObject;
  template: PodTemplate;
  list: ContainerList;
  index: number;
  /** The container as parsed. */
  container: Record<string, unknown>;
  /** undefined when missing. */
  name: string | undefined;
  /** e.g. `['spec', 'template', 'spec', 'containers', 0]`. */
  pathKeys: readonly (string | number)[];
}

/** The pod-bearing objects with their pod templates, in input order. */
export function workloadsOf(objects: readonly K8sObject[]): { object: K8sObject; template: PodTemplate }[] {
  return objects.flatMap((object) => {
    const template = podTemplateOf(object);
    return template === undefined ? [] : [{ object, template }];
  });
}

/** Every container of every workload in the given lists (init and regular containers by default). */
export function containersOf(objects: readonly K8sObject[], lists: readonly ContainerList[] = ['initContainers', 'containers']): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const { object, template } of workloadsOf(objects)) {
    for (const list of lists) {
      const entries = template.spec[list];
      if (!Array.isArray(entries)) continue;
      entries.forEach((container: unknown, index) => {
        if (!isRecord(container)) return;
        const name = typeof container.name === 'string' && container.name !== '' ? container.name : undefined;
        refs.push({ object, template, list, index, container, name, pathKeys: [...template.pathKeys, list, index] });
      });
    }
  }
  return refs;
}

/** `obj[a][b]…` when every step is a mapping; undefined otherwise. */
export function fieldAt(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isRecord(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** Only the string entries of a list (anything else is not a list: `[]`). */
export function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}
