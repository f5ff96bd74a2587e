import { ALLOWED, INVALID, containers, list, obj, show } from '../access.js';
import type { PssCheck } from '../types.js';
import { containersMust, forbid, uniq } from './helpers.js';
import { pushAll } from '../../../core/collections.js';

/** The default container runtime capability set, minus NET_RAW: adding these is harmless (PSS baseline). */
export const baselineCapabilities: ReadonlySet<unknown> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** Baseline: `capabilities.add` may only hold the default runtime capabilities. */
export const capabilitiesBaseline: PssCheck = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [
    {
      minVersion: 0,
      check: (_metadata, spec) => {
        const badContainers: string[] = [];
        const badCaps: string[] = [];
        for (const c of containers(spec)) {
          const add = list(obj(obj(c.container, 'securityContext'), 'capabilities'), 'add');
          const bad = add === INVALID ? [INVALID] : add.filter((cap) => !baselineCapabilities.has(cap));
          if (bad.length === 0) continue;
          badContainers.push(c.name);
          pushAll(badCaps, bad.map(show));
        }
        if (badContainers.length === 0) return ALLOWED;
        return forbid(
          'non-default capabilities',
          containersMust(
            badContainers,
            `must not include ${uniq(badCaps)
              .map((s) => JSON.stringify(s))
              .join(', ')} in securityContext.capabilities.add`,
          ),
        );
      },
    },
  ],
};
