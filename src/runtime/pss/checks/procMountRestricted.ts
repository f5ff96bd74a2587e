import type { PssCheck } from '../types.js';
import { procMountStrict } from './procMount.js';

/** Restricted (v1.35+): `procMount` unset or `Default` even for user-namespaced pods; replaces `procMount`. */
export const procMountRestricted: PssCheck = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minVersion: 35, check: procMountStrict, overrides: ['procMount'] }],
};
