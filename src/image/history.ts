import type { Diagnostics } from '../core/diagnostics.js';
import type { HistoryEntry } from './schema.js';

/**
 * The history entry of each layer. History lists every build step; those marked `empty_layer`
 * (ENV, LABEL, USER, CMD...) made no layer, and the rest map to the layers in order. When the counts
 * disagree the mapping cannot be trusted, so no layer gets an instruction and a diagnostic says why.
 */
export function historyOfLayers(history: readonly HistoryEntry[] | undefined, layerCount: number, diagnostics: Diagnostics): (HistoryEntry | undefined)[] {
  const none = Array.from({ length: layerCount }, () => undefined);
  if (!history || history.length === 0) return none;
  const layered = history.filter((entry) => entry.empty_layer !== true);
  if (layered.length !== layerCount) {
    diagnostics.warn(
      'history.mismatch',
      `the image history lists ${layered.length} layer-creating steps for ${layerCount} layers; layers are shown without their instructions`,
    );
    return none;
  }
  return layered;
}

/**
 * The Dockerfile instruction in a `created_by` line, without the builder's wrapping:
 * `/bin/sh -c #(nop)  ENV A=b` → `ENV A=b`; `/bin/sh -c apt-get update` → `RUN apt-get update`;
 * BuildKit's `RUN /bin/sh -c make # buildkit` → `RUN make`.
 */
export function instructionOf(createdBy: string | undefined): string | undefined {
  if (createdBy === undefined) return undefined;
  let text = createdBy.trim().replace(/\s+# buildkit$/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s+(.*)$/s.exec(text);
  if (nop?.[1] !== undefined) return nop[1].trim();
  const shell = /^(?:RUN\s+)?(?:\|\d+(?:\s+\S+=\S*)*\s+)?\/bin\/sh -c (.*)$/s.exec(text);
  if (shell?.[1] !== undefined) text = `RUN ${shell[1].trim()}`;
  return text;
}
