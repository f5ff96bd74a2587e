import { ALLOWED, containers, isUnset, obj, show, usesUserNamespace, val } from '../access.js';
import type { CheckFn, PssCheck } from '../types.js';
import { containersMust, forbid } from './helpers.js';

/** `procMount` must be unset or `Default` on every container (no user-namespace relaxation). */
export const procMountStrict: CheckFn = (_metadata, spec) => {
  const bad: string[] = [];
  const values: string[] = [];
  for (const c of containers(spec)) {
    const v = val(obj(c.container, 'securityContext'), 'procMount');
    if (isUnset(v) || v === 'Default') continue;
    bad.push(c.name);
    values.push(show(v));
  }
  if (bad.length === 0) return ALLOWED;
  return forbid('procMount', containersMust(bad, `must not set securityContext.procMount to ${values.map((s) => JSON.stringify(s)).join(', ')}`));
};

/**
 * Baseline: unmasked /proc is forbidden. From v1.35 a pod with `hostUsers: false` may set any
 * value (PSA's user-namespace relaxation); restricted replaces this with `procMount_restricted`.
 */
export const procMount: PssCheck = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: procMountStrict },
    { minVersion: 35, check: (metadata, spec) => (usesUserNamespace(spec) ? ALLOWED : procMountStrict(metadata, spec)) },
  ],
};
