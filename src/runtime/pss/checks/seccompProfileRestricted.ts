import { ALLOWED, INVALID, containers, isWindowsPod, obj, show, val } from '../access.js';
import type { CheckFn, PssCheck } from '../types.js';
import { containersMust, forbid } from './helpers.js';

const valid = (type: unknown): boolean => type === 'RuntimeDefault' || type === 'Localhost';

/** RuntimeDefault/Localhost at pod level (containers may then leave it unset) or on every container. */
const v1_19: CheckFn = (_metadata, spec) => {
  const parts: string[] = [];
  const podProfile = obj(obj(spec, 'securityContext'), 'seccompProfile');
  let podSet = false;
  if (podProfile !== undefined) {
    const type = val(podProfile, 'type');
    if (valid(type)) podSet = true;
    else parts.push(`pod must not set securityContext.seccompProfile.type to ${JSON.stringify(show(type))}`);
  }
  const implicit: string[] = [];
  for (const c of containers(spec)) {
    const profile = obj(obj(c.container, 'securityContext'), 'seccompProfile');
    if (profile === undefined) {
      if (!podSet && c.container !== INVALID) implicit.push(c.name);
      if (c.container === INVALID) parts.push(`container ${JSON.stringify(c.name)} is invalid`);
      continue;
    }
    const type = val(profile, 'type');
    if (!valid(type)) parts.push(`container ${JSON.stringify(c.name)} must not set securityContext.seccompProfile.type to ${JSON.stringify(show(type))}`);
  }
  if (implicit.length > 0) {
    parts.push(`pod or ${containersMust(implicit, 'must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"')}`);
  }
  if (parts.length === 0) return ALLOWED;
  return forbid('seccompProfile', parts.join('; '));
};

const OVERRIDES = ['seccompProfile_baseline'];

/** Restricted (v1.19+): seccomp must be RuntimeDefault or Localhost; replaces `seccompProfile_baseline`; Windows exempt from v1.25. */
export const seccompProfileRestricted: PssCheck = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minVersion: 19, check: v1_19, overrides: OVERRIDES },
    { minVersion: 25, check: (metadata, spec) => (isWindowsPod(spec) ? ALLOWED : v1_19(metadata, spec)), overrides: OVERRIDES },
  ],
};
