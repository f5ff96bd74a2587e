import { hostName } from '../../map-host.js';
import type { ProposedChange } from '../model.js';
import type { PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';
import { containerFindings } from './h06-engine-configuration.js';
import { noHostsScanned, scannedHostChecks } from './host-nodes.js';

/** The container rules that hand a container the host: privileged, the engine's socket, the host's directories. */
const escapes = new Set(['SS-CTR-001', 'SS-CTR-002', 'SS-CTR-004']);

/** SS-CTL-H08: no container on a host holds the host — privileged, the engine socket, the host's root or /etc. */
export const containersConfined: PostureControl = {
  meta: {
    id: 'SS-CTL-H08',
    phase: 'host',
    title: 'Containers on the hosts cannot take over the host',
    objective:
      "No container running on a host is privileged, has the engine's socket mounted, or mounts the host's root, /etc, /proc, /sys or an engine's state.",
    evaluation:
      "Per scanned host, the containers in its engines' state (whatever started them: Kubernetes, compose, a person): none privileged, with the engine socket or a sensitive host directory is met, any one a gap; a cluster node not scanned is unknown.",
    references: [
      { framework: 'CIS Docker Benchmark', id: '5.4', title: 'Ensure that privileged containers are not used' },
      { framework: 'CIS Docker Benchmark', id: '5.31', title: 'Ensure that the Docker socket is not mounted inside any containers' },
      { framework: 'NIST SP 800-190', id: '4.4.3', title: 'Insecure container runtime configurations' },
    ],
    weight: 1,
  },
  evaluate(context) {
    const changes: ProposedChange[] = [];
    const checks = scannedHostChecks(context, (report, ids) => {
      const name = hostName(report);
      const where = `host ${name}`;
      const found = [...containerFindings(report, 'SS-CTR-').entries()]
        .map(([container, findings]) => [container, findings.filter((finding) => escapes.has(finding.ruleId))] as const)
        .filter(([, findings]) => findings.length > 0);
      if (found.length === 0)
        return check(
          'met',
          `${where}: none of its ${report.containers.length} containers is privileged or mounts the engine socket or a host system directory`,
          where,
          ids,
        );
      changes.push(
        change(`on ${name}: recreate ${found.map(([container]) => container).join(', ')} without --privileged, the engine socket and host system directories`, {
          nodes: ids,
        }),
      );
      const messages = found.flatMap(([, findings]) => findings.map((finding) => finding.message));
      return check('gap', `${where}: ${messages.slice(0, 4).join('; ')}${messages.length > 4 ? '; …' : ''}`, where, ids, [
        ...new Set(found.flatMap(([, findings]) => findings.map((f) => f.ruleId))),
      ]);
    });
    if (checks === undefined) return unknown(noHostsScanned);
    return outcomeOf(checks, changes, { subject: 'hosts', met: 'run only confined containers', notMet: 'run containers that hold the host' }, noHostsScanned);
  },
};
