import { ALLOWED, INVALID, containers, isUnset, obj, show, val, type Invalid, type Obj } from '../access.js';
import type { CheckFn, PssCheck } from '../types.js';
import { forbid } from './helpers.js';

const TYPES_1_0: ReadonlySet<unknown> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const TYPES_1_31: ReadonlySet<unknown> = new Set([...TYPES_1_0, 'container_engine_t']);

/** What is wrong with one `seLinuxOptions` (empty when fine). */
function problems(securityContext: Obj | Invalid | undefined, types: ReadonlySet<unknown>): string[] {
  const opts = obj(securityContext, 'seLinuxOptions');
  if (opts === undefined) return [];
  if (opts === INVALID) return ['seLinuxOptions is not an object'];
  const out: string[] = [];
  // Go strings: unset (or null) is "".
  const type = isUnset(opts.type) ? '' : opts.type;
  if (!types.has(type)) out.push(`type ${JSON.stringify(show(type))}`);
  for (const key of ['user', 'role'] as const) {
    const v = val(opts, key);
    if (!isUnset(v) && v !== '') out.push(`${key} ${JSON.stringify(show(v))}`);
  }
  return out;
}

function make(types: ReadonlySet<unknown>): CheckFn {
  return (_metadata, spec) => {
    const forbidden: string[] = [];
    const pod = problems(obj(spec, 'securityContext'), types);
    if (pod.length > 0) forbidden.push(`pod with ${pod.join(', ')}`);
    for (const c of containers(spec)) {
      const found = c.container === INVALID ? ['invalid container'] : problems(obj(c.container, 'securityContext'), types);
      if (found.length > 0) forbidden.push(`container ${JSON.stringify(c.name)} with ${found.join(', ')}`);
    }
    if (forbidden.length === 0) return ALLOWED;
    return forbid('seLinuxOptions', forbidden.join('; '));
  };
}

/** Baseline: SELinux type limited to the container types; custom user/role forbidden. v1.31 allows `container_engine_t`. */
export const seLinuxOptions: PssCheck = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: make(TYPES_1_0) },
    { minVersion: 31, check: make(TYPES_1_31) },
  ],
};
