import { ALLOWED, INVALID, containers, isWindowsPod, list, obj, show } from '../access.js';
import type { CheckFn, PssCheck } from '../types.js';
import { containersMust, forbid, uniq } from './helpers.js';
import { pushAll } from '../../../core/collections.js';

/** Every container drops ALL and adds nothing but NET_BIND_SERVICE. */
const v1_22: CheckFn = (_metadata, spec) => {
  const missingDrop: string[] = [];
  const badAdd: string[] = [];
  const added: string[] = [];
  for (const c of containers(spec)) {
    const caps = obj(obj(c.container, 'securityContext'), 'capabilities');
    const drop = list(caps, 'drop');
    if (drop === INVALID || !drop.includes('ALL')) missingDrop.push(c.name);
    const add = list(caps, 'add');
    const bad = add === INVALID ? [INVALID] : add.filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (bad.length > 0) {
      badAdd.push(c.name);
      pushAll(added, bad.map(show));
    }
  }
  const parts: string[] = [];
  if (missingDrop.length > 0) parts.push(containersMust(missingDrop, 'must set securityContext.capabilities.drop=["ALL"]'));
  if (badAdd.length > 0) {
    parts.push(
      containersMust(
        badAdd,
        `must not include ${uniq(added)
          .map((s) => JSON.stringify(s))
          .join(', ')} in securityContext.capabilities.add`,
      ),
    );
  }
  if (parts.length === 0) return ALLOWED;
  return forbid('unrestricted capabilities', parts.join('; '));
};

const OVERRIDES = ['capabilities_baseline'];

/** Restricted (v1.22+): drop ALL, add at most NET_BIND_SERVICE; replaces `capabilities_baseline`; Windows exempt from v1.25. */
export const capabilitiesRestricted: PssCheck = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minVersion: 22, check: v1_22, overrides: OVERRIDES },
    { minVersion: 25, check: (metadata, spec) => (isWindowsPod(spec) ? ALLOWED : v1_22(metadata, spec)), overrides: OVERRIDES },
  ],
};
