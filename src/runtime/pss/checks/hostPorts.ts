import { ALLOWED, INVALID, containers, isObj, isUnset, list, show } from '../access.js';
import type { PssCheck } from '../types.js';
import { containersMust, forbid, uniq } from './helpers.js';
import { pushAll } from '../../../core/collections.js';

/** Baseline: host ports are forbidden (`hostPort` unset or 0). */
export const hostPorts: PssCheck = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [
    {
      minVersion: 0,
      check: (_metadata, spec) => {
        const badContainers: string[] = [];
        const badPorts: string[] = [];
        for (const c of containers(spec)) {
          const ports = list(c.container, 'ports');
          const bad =
            ports === INVALID
              ? ['<invalid>']
              : ports
                  .map((p): unknown => (isObj(p) ? p.hostPort : INVALID))
                  .filter((h) => !isUnset(h) && h !== 0)
                  .map(show);
          if (bad.length === 0) continue;
          badContainers.push(c.name);
          pushAll(badPorts, bad);
        }
        if (badContainers.length === 0) return ALLOWED;
        return forbid('hostPort', containersMust(badContainers, `use hostPorts ${uniq(badPorts).join(', ')}`));
      },
    },
  ],
};
