import { parseReference } from '../image/reference.js';
import { RegistryPusher, type PushOptions } from '../image/registry/push.js';
import type { BuiltEstate } from './estate.js';

export interface PushedTag {
  /** As the pipeline pushes it: `registry.shop.internal/shop/payments-api:142`. */
  reference: string;
  /** Where it went: `127.0.0.1:PORT/shop/payments-api:142`. */
  pushedAs: string;
  digest: string;
}

/**
 * Pushes the estate's images in build order to `options.registry`, each under its tags' repository
 * and tag (the registry part of the tag is replaced: images of `estateRegistry` only; parents from
 * other registries are not pushed). A tag pushed twice ends on its last build, as in the estate.
 */
export async function pushEstate(
  estate: BuiltEstate,
  options: PushOptions,
  estateRegistry = 'registry.shop.internal',
  signal?: AbortSignal,
): Promise<PushedTag[]> {
  const pusher = new RegistryPusher(options);
  const pushed: PushedTag[] = [];
  try {
    for (const { tags, image } of estate.images) {
      for (const tag of tags) {
        const ref = parseReference(tag);
        if (ref.registry !== estateRegistry) continue;
        const name = ref.tag ?? 'latest';
        const { digest } = await pusher.pushImage(ref.repository, name, image, signal);
        pushed.push({ reference: tag, pushedAs: `${options.registry}/${ref.repository}:${name}`, digest });
      }
    }
  } finally {
    await pusher.close();
  }
  return pushed;
}
