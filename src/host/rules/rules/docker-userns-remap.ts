import { dockerdRule, unsetFinding } from '../dockerd-rule.js';
import { daemonJson, dockerDropIn, dockerUnit } from '../examples.js';
import type { HostRuleMeta } from '../rule.js';
import { hostFinding } from '../rule.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-004',
  title: 'Docker user namespace remapping not enabled',
  severity: 'LOW',
  rationale:
    "Without `userns-remap`, root in a container is root (uid 0) on the host: a process that escapes the container, or writes through a bind mount, does so as the host's root. With remapping, container uids map to an unprivileged range of host uids.",
  remediation:
    'Set `"userns-remap": "default"` in /etc/docker/daemon.json (or `--userns-remap=default`; Docker creates the `dockremap` user and its /etc/subuid range), after checking that bind mounts and volumes work with the remapped ids. Rootless Docker is an alternative.',
  references: ['CIS Docker Benchmark v1.6.0 2.9', 'Docker docs: Isolate containers with a user namespace'],
  cis: '2.9',
};

const risk = 'root in a container is root on the host';

/** SS-HOST-004: `userns-remap` unset or empty. */
export const dockerUsernsRemap = dockerdRule(
  meta,
  {
    bad: [[daemonJson({ 'live-restore': true })], [daemonJson({ 'userns-remap': '' })], [dockerUnit('-H fd://')]],
    good: [
      [daemonJson({ 'userns-remap': 'default' })],
      [dockerUnit('-H fd:// --userns-remap=dockremap:dockremap')],
      [daemonJson({}), dockerDropIn('userns.conf', '-H fd:// --userns-remap default')],
    ],
  },
  (settings) => {
    const set = settings.option('userns-remap');
    if (set === undefined) return unsetFinding(meta, settings, `dockerd's "userns-remap" is not set: ${risk}`);
    return typeof set.value === 'string' && set.value.trim() !== ''
      ? []
      : [hostFinding(meta, set.from.path, `dockerd is configured with ${set.written}: ${risk}`, { line: set.from.line })];
  },
);
