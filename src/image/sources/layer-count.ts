import { ManifestError } from '../../core/errors.js';
import { isDigest } from '../digest.js';
import type { ImageConfig } from '../schema.js';

/**
 * The config's diffIDs, one per layer of the manifest. They must agree on the number of layers, or
 * no layer can be trusted to be which; and each must be a digest, for each layer is verified against
 * its own: an empty or missing diffID is an invalid image, never a layer left unverified.
 */
export function layerDiffIds(where: string, layerCount: number, config: ImageConfig): string[] {
  if (config.rootfs.type !== 'layers') {
    throw new ManifestError(`${where}: config rootfs.type is ${JSON.stringify(config.rootfs.type)}, not "layers"`);
  }
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== layerCount) {
    throw new ManifestError(`${where}: the manifest lists ${layerCount} layers but the config has ${diffIds.length} rootfs.diff_ids`);
  }
  const invalid = diffIds.findIndex((diffId) => !isDigest(diffId));
  if (invalid >= 0) {
    throw new ManifestError(
      `${where}: config rootfs.diff_ids[${invalid}] is ${JSON.stringify(diffIds[invalid])}, not a digest: layer ${invalid} cannot be verified`,
    );
  }
  return diffIds;
}
