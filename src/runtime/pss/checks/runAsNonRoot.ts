import { ALLOWED, INVALID, containers, isUnset, obj, usesUserNamespace, val } from '../access.js';
import type { CheckFn, PssCheck } from '../types.js';
import { containersMust, forbid } from './helpers.js';

/** `runAsNonRoot: true` at pod level (then containers may leave it unset) or on every container; `false` anywhere fails. */
const v1_0: CheckFn = (_metadata, spec) => {
  const explicit: string[] = [];
  const podValue = val(obj(spec, 'securityContext'), 'runAsNonRoot');
  const podNonRoot = podValue === true;
  if (!isUnset(podValue) && !podNonRoot) explicit.push('pod');
  const explicitContainers: string[] = [];
  const implicitContainers: string[] = [];
  for (const c of containers(spec)) {
    const v = val(obj(c.container, 'securityContext'), 'runAsNonRoot');
    if (c.container === INVALID || (!isUnset(v) && v !== true)) explicitContainers.push(c.name);
    else if (isUnset(v) && !podNonRoot) implicitContainers.push(c.name);
  }
  if (explicit.length === 0 && explicitContainers.length === 0 && implicitContainers.length === 0) return ALLOWED;
  const parts: string[] = [];
  if (explicit.length > 0) parts.push('pod must not set securityContext.runAsNonRoot=false');
  if (explicitContainers.length > 0) parts.push(containersMust(explicitContainers, 'must not set securityContext.runAsNonRoot=false'));
  if (implicitContainers.length > 0) {
    parts.push(`pod or ${containersMust(implicitContainers, 'must set securityContext.runAsNonRoot=true')}`);
  }
  return forbid('runAsNonRoot != true', parts.join('; '));
};

/** Restricted: containers must run as non-root. From v1.35 `hostUsers: false` pods may set any value. */
export const runAsNonRoot: PssCheck = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minVersion: 0, check: v1_0 },
    { minVersion: 35, check: (metadata, spec) => (usesUserNamespace(spec) ? ALLOWED : v1_0(metadata, spec)) },
  ],
};
