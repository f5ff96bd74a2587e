import { dockerdBooleanRule } from '../dockerd-rule.js';
import type { HostRuleMeta } from '../rule.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-005',
  title: 'Docker live restore not enabled',
  severity: 'LOW',
  rationale:
    'Without `live-restore`, stopping or upgrading dockerd stops every container. Security updates of the engine then mean downtime, so they get postponed. (Swarm managers cannot use it.)',
  remediation: 'Set `"live-restore": true` in /etc/docker/daemon.json (or `--live-restore`) and reload dockerd (`systemctl reload docker`).',
  references: ['CIS Docker Benchmark v1.6.0 2.15', 'Docker docs: Live restore'],
  cis: '2.15',
};

/** SS-HOST-005: `live-restore` not true. */
export const dockerLiveRestore = dockerdBooleanRule(meta, { key: 'live-restore', wanted: true, risk: 'restarting or upgrading dockerd stops every container' });
