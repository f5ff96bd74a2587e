import { ALLOWED, isUnset } from '../access.js';
import type { PssCheck } from '../types.js';
import { forbid } from './helpers.js';

const FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

/** Baseline: sharing the host's network, PID or IPC namespace is forbidden. */
export const hostNamespaces: PssCheck = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [
    {
      minVersion: 0,
      check: (_metadata, spec) => {
        // Anything but unset or false (a wrong type included) counts as set.
        const bad = FIELDS.filter((f) => !isUnset(spec[f]) && spec[f] !== false);
        if (bad.length === 0) return ALLOWED;
        return forbid('host namespaces', bad.map((f) => `${f}=true`).join(', '));
      },
    },
  ],
};
