import { ALLOWED, INVALID, containers, isUnset, obj, show, val, type Invalid, type Obj } from '../access.js';
import type { PssCheck } from '../types.js';
import { containersMust, forbid, uniq } from './helpers.js';
import { pushAll } from '../../../core/collections.js';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOOKS = ['postStart', 'preStop'] as const;

/** Non-empty `host` values of a handler's httpGet/tcpSocket (probes and lifecycle hooks share the shape). */
function badHosts(handler: Obj | Invalid | undefined): string[] {
  const out: string[] = [];
  for (const kind of ['httpGet', 'tcpSocket'] as const) {
    const host = val(obj(handler, kind), 'host');
    if (!isUnset(host) && host !== '') out.push(show(host));
  }
  return out;
}

/** Baseline (v1.34+): probes and lifecycle hooks must not target another host (`host` unset or ""). */
export const hostProbesAndHostLifecycle: PssCheck = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [
    {
      minVersion: 34,
      check: (_metadata, spec) => {
        const badContainers: string[] = [];
        const hosts: string[] = [];
        for (const c of containers(spec)) {
          const lifecycle = obj(c.container, 'lifecycle');
          const found = [...PROBES.flatMap((p) => badHosts(obj(c.container, p))), ...HOOKS.flatMap((h) => badHosts(obj(lifecycle, h)))];
          if (c.container === INVALID && found.length === 0) found.push('<invalid>');
          if (found.length === 0) continue;
          badContainers.push(c.name);
          pushAll(hosts, found);
        }
        if (badContainers.length === 0) return ALLOWED;
        return forbid(
          'probe or lifecycle host',
          containersMust(
            badContainers,
            `uses hosts ${uniq(hosts)
              .map((h) => JSON.stringify(h))
              .join(', ')}`,
          ),
        );
      },
    },
  ],
};
