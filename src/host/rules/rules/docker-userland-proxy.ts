import { dockerdBooleanRule } from '../dockerd-rule.js';
import type { HostRuleMeta } from '../rule.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-007',
  title: 'Docker userland proxy enabled',
  severity: 'LOW',
  rationale:
    'With `userland-proxy` on (the default), a `docker-proxy` process listens on every published port and relays the traffic: more code exposed on the host network, and containers see connections as coming from the bridge gateway instead of the client, which defeats source-address checks inside them.',
  remediation:
    'Set `"userland-proxy": false` in /etc/docker/daemon.json (or `--userland-proxy=false`), so that published ports are forwarded by iptables/nftables rules (hairpin NAT) instead.',
  references: ['CIS Docker Benchmark v1.6.0 2.16', 'Docker docs: Packet filtering and firewalls'],
  cis: '2.16',
};

/** SS-HOST-007: `userland-proxy` not false. */
export const dockerUserlandProxy = dockerdBooleanRule(meta, {
  key: 'userland-proxy',
  wanted: false,
  risk: 'a docker-proxy process relays every published port',
});
