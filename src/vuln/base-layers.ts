import type { ImageModel } from '../image/read-image.js';

/**
 * How many of an image's layers come from its base image. Images do not record this, so it is read
 * off the history: a base image's config ends with its CMD or ENTRYPOINT (Docker, BuildKit) or an
 * `umoci config` step, an entry that makes no layer, followed by the layers the build added. The
 * first such entry after at least one layer, with more layers after it, marks the boundary. An
 * explicit count (`--base-layers N`) wins; undefined when the history says nothing.
 */
export function baseLayerCount(model: ImageModel, explicit?: number): number | undefined {
  if (explicit !== undefined) return Math.min(explicit, model.layers.length);
  const history = model.image.config.history ?? [];
  let layers = 0;
  for (const [index, entry] of history.entries()) {
    if (entry.empty_layer !== true) {
      layers++;
      continue;
    }
    const step = entry.created_by ?? '';
    const endsBase = /(^|\s)(CMD|ENTRYPOINT)\b|^umoci config/.test(step);
    const moreLayers = history.slice(index + 1).some((later) => later.empty_layer !== true);
    if (endsBase && layers > 0 && moreLayers) return layers;
  }
  return undefined;
}
