import { ALLOWED, INVALID, containers, isUnset, obj, usesUserNamespace, val } from '../access.js';
import type { CheckFn, PssCheck } from '../types.js';
import { containersMust, forbid } from './helpers.js';

/** Unset or a non-zero number; 0 and wrong types (e.g. the string "0") are offending. */
const isBad = (v: unknown): boolean => !isUnset(v) && (typeof v !== 'number' || v === 0);

const v1_23: CheckFn = (_metadata, spec) => {
  const parts: string[] = [];
  if (isBad(val(obj(spec, 'securityContext'), 'runAsUser'))) parts.push('pod must not set runAsUser=0');
  const bad = containers(spec)
    .filter((c) => c.container === INVALID || isBad(val(obj(c.container, 'securityContext'), 'runAsUser')))
    .map((c) => c.name);
  if (bad.length > 0) parts.push(containersMust(bad, 'must not set runAsUser=0'));
  if (parts.length === 0) return ALLOWED;
  return forbid('runAsUser=0', parts.join('; '));
};

/** Restricted (v1.23+): `runAsUser: 0` is forbidden. From v1.35 `hostUsers: false` pods may set any value. */
export const runAsUser: PssCheck = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minVersion: 23, check: v1_23 },
    { minVersion: 35, check: (metadata, spec) => (usesUserNamespace(spec) ? ALLOWED : v1_23(metadata, spec)) },
  ],
};
