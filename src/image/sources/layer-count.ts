import { ManifestError } from '../../core/errors.js';
import type { ImageConfig } from '../schema.js';

/** A manifest and its config must agree on the number of layers, or no layer can be trusted to be which. */
export function checkLayerCount(where: string, layerCount: number, config: ImageConfig): void {
  if (config.rootfs.type !== 'layers') {
    throw new ManifestError(`${where}: config rootfs.type is ${JSON.stringify(config.rootfs.type)}, not "layers"`);
  }
  if (config.rootfs.diff_ids.length !== layerCount) {
    throw new ManifestError(
      `${where}: the manifest lists ${layerCount} layers but the config has ${config.rootfs.diff_ids.length} diff_ids`,
    );
  }
}
