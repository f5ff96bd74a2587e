import { instructionOf } from '../../image/history.js';
import type { FileEntry } from '../../image/layer/entry.js';
import type { ImageModel } from '../../image/read-image.js';
import type { FindingLocation } from '../../rules/rule.js';
import type { SeverityLevel } from '../../core/severity.js';
import type { ImageFinding, ImageRuleMeta } from './rule.js';

/** The `layer` part of a finding's location for layer `index`. */
export function layerLocation(model: ImageModel, index: number): NonNullable<FindingLocation['layer']> {
  const layer = model.layers[index];
  return { index, digest: layer?.blob.digest ?? '', createdBy: layer?.history?.created_by };
}

/** `layer 2 (RUN apt-get install curl)` for messages; long instructions are cut. */
export function describeLayer(model: ImageModel, index: number): string {
  const instruction = instructionOf(model.layers[index]?.history?.created_by);
  if (instruction === undefined) return `layer ${index}`;
  const short = instruction.length > 80 ? `${instruction.slice(0, 77)}...` : instruction;
  return `layer ${index} (${short})`;
}

/**
 * Whether layer `index` comes from the base image. With an unknown boundary every layer counts as
 * the build's: what the user shipped is reported at full severity rather than silently softened.
 */
export function isBaseLayer(index: number, baseLayers: number | undefined): boolean {
  return baseLayers !== undefined && index < baseLayers;
}

/** An entry of the squashed image (directories included) with the layer that last wrote it. */
export interface FinalEntry {
  entry: FileEntry;
  layer: number;
}

/**
 * Every path of the squashed image, directories included (FileView.files() skips directories):
 * each layer's entries that are still what the final image shows at that path.
 */
export function finalEntries(model: ImageModel): FinalEntry[] {
  const result: FinalEntry[] = [];
  model.layers.forEach((layer, index) => {
    for (const entry of layer.scan.entries) {
      const record = model.view.get(entry.path);
      if (record && record.layer === index && record.entry === entry) result.push({ entry, layer: index });
    }
  });
  return result.sort((a, b) => (a.entry.path < b.entry.path ? -1 : a.entry.path > b.entry.path ? 1 : 0));
}

/** Whether `path` is `dir` or inside it. */
export function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/** Octal mode as `ls` users read it: `4755`. */
export function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** A finding of `meta`'s rule, at its default severity unless another is given. */
export function finding(meta: ImageRuleMeta, message: string, location: FindingLocation = {}, severity: SeverityLevel = meta.severity): ImageFinding {
  return { ruleId: meta.id, title: meta.title, severity, message, location };
}
