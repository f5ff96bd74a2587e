import { dockerdBooleanRule } from '../dockerd-rule.js';
import type { HostRuleMeta } from '../rule.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-006',
  title: 'Docker does not default to no-new-privileges',
  severity: 'MEDIUM',
  rationale:
    'Unless the daemon sets `no-new-privileges` for every container, a process in a container can gain privileges through setuid and setgid binaries (or file capabilities) of its image: the usual step from a foothold as a user to root in the container.',
  remediation:
    'Set `"no-new-privileges": true` in /etc/docker/daemon.json (or `--no-new-privileges`); a container that really needs setuid binaries can opt out with `--security-opt no-new-privileges=false`.',
  references: ['CIS Docker Benchmark v1.6.0 2.14', 'Linux prctl(2) PR_SET_NO_NEW_PRIVS'],
  cis: '2.14',
};

/** SS-HOST-006: `no-new-privileges` not true. */
export const dockerNoNewPrivileges = dockerdBooleanRule(meta, {
  key: 'no-new-privileges',
  wanted: true,
  risk: 'processes in containers can gain privileges through setuid binaries',
});
