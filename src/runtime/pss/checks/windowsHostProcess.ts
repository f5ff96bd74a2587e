import { ALLOWED, containers, isUnset, obj, val } from '../access.js';
import type { PssCheck } from '../types.js';
import { containersMust, forbid } from './helpers.js';

/** Anything but unset or `false` (a wrong type included) is a HostProcess request. */
const isBad = (v: unknown): boolean => !isUnset(v) && v !== false;

/** Baseline: Windows HostProcess containers are forbidden (pod and container `windowsOptions.hostProcess`). */
export const windowsHostProcess: PssCheck = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [
    {
      minVersion: 0,
      check: (_metadata, spec) => {
        const podBad = isBad(val(obj(obj(spec, 'securityContext'), 'windowsOptions'), 'hostProcess'));
        const bad = containers(spec)
          .filter((c) => isBad(val(obj(obj(c.container, 'securityContext'), 'windowsOptions'), 'hostProcess')))
          .map((c) => c.name);
        if (!podBad && bad.length === 0) return ALLOWED;
        const parts = [];
        if (podBad) parts.push('pod must not set securityContext.windowsOptions.hostProcess=true');
        if (bad.length > 0) parts.push(containersMust(bad, 'must not set securityContext.windowsOptions.hostProcess=true'));
        return forbid('hostProcess', parts.join('; '));
      },
    },
  ],
};
