import { ALLOWED, containers, isUnset, obj, val } from '../access.js';
import type { PssCheck } from '../types.js';
import { containersMust, forbid } from './helpers.js';

/** Baseline: privileged containers are forbidden. */
export const privileged: PssCheck = {
  id: 'privileged',
  level: 'baseline',
  versions: [
    {
      minVersion: 0,
      check: (_metadata, spec) => {
        const bad = containers(spec)
          .filter((c) => {
            const v = val(obj(c.container, 'securityContext'), 'privileged');
            return !isUnset(v) && v !== false;
          })
          .map((c) => c.name);
        if (bad.length === 0) return ALLOWED;
        return forbid('privileged', containersMust(bad, 'must not set securityContext.privileged=true'));
      },
    },
  ],
};
