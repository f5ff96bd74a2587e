import { dockerdBooleanRule } from '../dockerd-rule.js';
import type { HostRuleMeta } from '../rule.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-003',
  title: 'Inter-container communication on the default bridge',
  severity: 'MEDIUM',
  rationale:
    'With `icc` on (the default), every container on the default `docker0` bridge can reach every port of every other one: a compromised container can attack its neighbours directly, services that were never published included.',
  remediation:
    'Set `"icc": false` in /etc/docker/daemon.json (or `--icc=false`), and connect containers that must talk to each other through user-defined networks or explicit `--link`s.',
  references: ['CIS Docker Benchmark v1.6.0 2.2', 'Docker docs: Networking with the default bridge'],
  cis: '2.2',
};

/** SS-HOST-003: `icc` not false (daemon.json or `--icc`). */
export const dockerIcc = dockerdBooleanRule(meta, { key: 'icc', wanted: false, risk: 'containers on the default bridge can reach each other' });
