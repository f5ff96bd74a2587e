import { messageOf } from '../../core/errors.js';
import { parseReference } from '../../image/reference.js';
import type { K8sObject } from './load.js';
import { podTemplateOf } from './pods.js';
import { isRecord } from '../../core/records.js';

/** Which list of the pod spec a container is in. */
type ContainerType = 'container' | 'initContainer' | 'ephemeralContainer';

/** One container image a workload runs, as written and normalised. */
export interface WorkloadImage {
  file: string;
  /** The line of the `image:` field when known, else of the container, else of the object. */
  line: number;
  /** undefined means the default namespace. */
  namespace: string | undefined;
  kind: string;
  /** The workload's name (undefined when the object has none). */
  workload: string | undefined;
  /** The container's name (undefined when missing). */
  container: string | undefined;
  containerType: ContainerType;
  /** The image as written; `''` when the container has none. */
  image: string;
  /** Normalised like `docker pull`: `nginx` is docker.io / library/nginx / latest. Undefined on parse errors. */
  registry: string | undefined;
  repository: string | undefined;
  tag: string | undefined;
  digest: string | undefined;
  /** Why the image could not be parsed; the other fields are then undefined. */
  parseError?: string;
}

const containerLists: readonly (readonly [key: string, type: ContainerType])[] = [
  ['initContainers', 'initContainer'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeralContainer'],
];

/** Every container image of every pod-bearing object, in document order. */
export function imageReferences(objects: readonly K8sObject[]): WorkloadImage[] {
  const images: WorkloadImage[] = [];
  for (const object of objects) {
    const template = podTemplateOf(object);
    if (template === undefined) continue;
    for (const [key, containerType] of containerLists) {
      const list = template.spec[key];
      if (!Array.isArray(list)) continue;
      list.forEach((container: unknown, index) => {
        if (!isRecord(container)) return;
        const at = [...template.pathKeys, key, index];
        const line = object.lineOf([...at, 'image']) ?? object.lineOf(at) ?? object.line;
        const image = typeof container.image === 'string' ? container.image : '';
        const base = {
          file: object.file,
          line,
          namespace: object.namespace,
          kind: object.kind,
          workload: object.name,
          container: typeof container.name === 'string' ? container.name : undefined,
          containerType,
          image,
        };
        images.push({ ...base, ...parseImage(image) });
      });
    }
  }
  return images;
}

function parseImage(image: string): Pick<WorkloadImage, 'registry' | 'repository' | 'tag' | 'digest' | 'parseError'> {
  const none = { registry: undefined, repository: undefined, tag: undefined, digest: undefined };
  // Kubernetes allows an empty image only where a controller fills it in; nothing to resolve here.
  if (image === '') return { ...none, parseError: 'the container has no image' };
  try {
    const { registry, repository, tag, digest } = parseReference(image);
    return { registry, repository, tag, digest };
  } catch (error) {
    return { ...none, parseError: messageOf(error) };
  }
}
