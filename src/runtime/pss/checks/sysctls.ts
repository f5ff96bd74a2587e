import { ALLOWED, INVALID, isObj, list, obj, show } from '../access.js';
import type { CheckFn, PssCheck } from '../types.js';
import { forbid } from './helpers.js';

const SYSCTLS_1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [
  ...SYSCTLS_1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SYSCTLS_1_37 = [...SYSCTLS_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function make(allowedNames: readonly string[]): CheckFn {
  const allowed: ReadonlySet<unknown> = new Set(allowedNames);
  return (_metadata, spec) => {
    const sysctls = list(obj(spec, 'securityContext'), 'sysctls');
    if (sysctls === INVALID) return forbid('forbidden sysctls', 'securityContext.sysctls is not a list');
    const bad = sysctls.map((s) => (isObj(s) ? s.name : INVALID)).filter((name) => !allowed.has(name));
    if (bad.length === 0) return ALLOWED;
    return forbid('forbidden sysctls', bad.map(show).join(', '));
  };
}

/** Baseline: only namespaced, isolated sysctls; the allow-list grows at v1.27, v1.29, v1.32 and v1.37. */
export const sysctls: PssCheck = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: make(SYSCTLS_1_0) },
    { minVersion: 27, check: make(SYSCTLS_1_27) },
    { minVersion: 29, check: make(SYSCTLS_1_29) },
    { minVersion: 32, check: make(SYSCTLS_1_32) },
    { minVersion: 37, check: make(SYSCTLS_1_37) },
  ],
};
