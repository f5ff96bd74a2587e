import { ALLOWED, containers, isWindowsPod, obj, val } from '../access.js';
import type { CheckFn, PssCheck } from '../types.js';
import { containersMust, forbid } from './helpers.js';

/** Every container must explicitly set `allowPrivilegeEscalation: false` (unset means allowed by the runtime). */
const v1_8: CheckFn = (_metadata, spec) => {
  const bad = containers(spec)
    .filter((c) => val(obj(c.container, 'securityContext'), 'allowPrivilegeEscalation') !== false)
    .map((c) => c.name);
  if (bad.length === 0) return ALLOWED;
  return forbid('allowPrivilegeEscalation != false', containersMust(bad, 'must set securityContext.allowPrivilegeEscalation=false'));
};

/** Restricted (v1.8+): privilege escalation must be disabled; Windows pods are exempt from v1.25. */
export const allowPrivilegeEscalation: PssCheck = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minVersion: 8, check: v1_8 },
    { minVersion: 25, check: (metadata, spec) => (isWindowsPod(spec) ? ALLOWED : v1_8(metadata, spec)) },
  ],
};
