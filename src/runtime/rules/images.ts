import { parseReference } from '../../image/reference.js';
import type { ImageReference } from '../../image/reference.js';
import type { K8sObject } from '../manifests/load.js';
import type { ContainerRef } from './workload.js';
import { containersOf } from './workload.js';

/** A container's image, parsed like `docker pull` would. */
export interface ContainerImage {
  ref: ContainerRef;
  /** As written. */
  image: string;
  parsed: ImageReference;
  /** Whether a tag was written (`parseReference` fills in `latest` when not). */
  tagWritten: boolean;
  /** Keys of the `image` field, for `lineOf`. */
  imagePath: readonly (string | number)[];
}

/**
 * Every container image (init, regular and ephemeral) that parses. Empty and malformed references
 * are left out: Kubernetes rejects them, and the image inventory reports them.
 */
export function containerImages(objects: readonly K8sObject[]): ContainerImage[] {
  const images: ContainerImage[] = [];
  for (const ref of containersOf(objects, ['initContainers', 'containers', 'ephemeralContainers'])) {
    const image = ref.container.image;
    if (typeof image !== 'string' || image === '') continue;
    let parsed: ImageReference;
    try {
      parsed = parseReference(image);
    } catch {
      continue;
    }
    const name = image.split('@')[0] ?? image;
    // A `:` after the last `/` is a tag; one before it is a registry port.
    const tagWritten = name.slice(name.lastIndexOf('/') + 1).includes(':');
    images.push({ ref, image, parsed, tagWritten, imagePath: [...ref.pathKeys, 'image'] });
  }
  return images;
}
