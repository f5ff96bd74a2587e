import { ALLOWED, INVALID, isObj, isUnset, joinQuote, list, show } from '../access.js';
import type { PssCheck } from '../types.js';
import { forbid } from './helpers.js';

/** Baseline: hostPath volumes are forbidden (replaced by `restrictedVolumes` at restricted). */
export const hostPathVolumes: PssCheck = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [
    {
      minVersion: 0,
      check: (_metadata, spec) => {
        const volumes = list(spec, 'volumes');
        if (volumes === INVALID) return forbid('hostPath volumes', 'spec.volumes is not a list');
        // A malformed volume entry fails closed.
        const bad = volumes.filter((v) => !isObj(v) || !isUnset(v.hostPath)).map((v, i) => (isObj(v) ? show(v.name) : `<volumes[${i}]>`));
        if (bad.length === 0) return ALLOWED;
        return forbid('hostPath volumes', `volumes ${joinQuote(bad)}`);
      },
    },
  ],
};
