import { formatBytes } from '../../../core/format.js';
import type { ImageFinding, ImageRule } from '../rule.js';
import { describeLayer, finding, layerLocation } from '../support.js';

/** Default size from which a hidden file counts as waste. */
const defaultWasteThresholdBytes = 10 * 1024 * 1024;

const meta: ImageRule['meta'] = {
  id: 'SS-IMG-009',
  title: 'Large file deleted or overwritten in a later layer',
  severity: 'LOW',
  rationale:
    'Deleting or replacing a file in a later layer only hides it: its bytes still ship in the layer that wrote it, so every pull pays for it (and whatever it held can still be read).',
  remediation: 'Create, use and delete the file in the same RUN, use a multi-stage build and copy only the result, or use a cache or secret mount.',
  references: [
    'https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers',
    'https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts',
  ],
};

/**
 * SS-IMG-009: regular files of at least `wasteThresholdBytes` (10 MiB by default) that one layer
 * writes and a later layer deletes or overwrites, with both layers and the size.
 */
export const wastedSpace: ImageRule = {
  meta,
  check(model, { wasteThresholdBytes }) {
    const threshold = wasteThresholdBytes ?? defaultWasteThresholdBytes;
    const findings: ImageFinding[] = [];
    for (const hidden of model.view.hidden) {
      const { entry } = hidden;
      if (entry.type !== 'file' || entry.size < threshold) continue;
      const message = `${entry.path} (${formatBytes(entry.size)}) is written by ${describeLayer(model, hidden.layer)} and ${hidden.how} by ${describeLayer(model, hidden.hiddenBy)}; its ${formatBytes(entry.size)} still ship in layer ${hidden.layer}`;
      findings.push(finding(meta, message, { layer: layerLocation(model, hidden.layer), path: entry.path }));
    }
    return findings;
  },
};
