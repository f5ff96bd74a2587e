import { driftRuleMeta } from '../../../host/drift-rules.js';
import type { HostReport } from '../../../host/scan.js';
import { hostName } from '../../map-host.js';
import type { ProposedChange } from '../model.js';
import type { PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';
import { containerFindings } from './h06-engine-configuration.js';
import { noHostsScanned, scannedHostChecks } from './host-nodes.js';

/** SS-CTL-H07: running containers are what their images are — no code, packages or secrets added at run time. */
export const noRuntimeDrift: PostureControl = {
  meta: {
    id: 'SS-CTL-H07',
    phase: 'host',
    title: 'Running containers have not drifted from their images',
    objective:
      'Containers run their images unchanged: no executable, package, secret or /etc change appears in a writable layer (containers run with read-only root filesystems, changes go through a rebuild).',
    evaluation:
      "Per scanned host, each container's writable layer as `host scan` read it: no executable, package, secret or /etc change on any container is met; /etc changes alone partial; an executable, package, secret or persistence file (passwd, shadow, sudoers, ld.so.preload, cron, ssh, systemd...) written at run time a gap; a container whose writable layer could not be read, and a cluster node not scanned, are unknown.",
    references: [
      { framework: 'NIST SP 800-190', id: '4.4.4', title: 'App vulnerabilities' },
      { framework: 'NIST SP 800-190', id: '4.4.5', title: 'Rogue containers' },
      { framework: 'CIS Docker Benchmark', id: '5.12', title: "Ensure that the container's root filesystem is mounted as read only" },
    ],
    weight: 1,
  },
  evaluate(context) {
    const changes: ProposedChange[] = [];
    const checks = scannedHostChecks(context, (report, ids) => {
      const name = hostName(report);
      const drifted = containerFindings(report, 'SS-DRIFT-');
      const secrets = containerFindings(report, 'SS-SEC-');
      const unread = report.containers.filter((container) => container.drift === undefined).map((container) => container.name);
      // code, packages, secrets and the /etc files attackers persist through make a gap; other /etc changes a partial
      const isSevere = (finding: HostReport['findings'][number]): boolean =>
        finding.ruleId !== driftRuleMeta.unread.id && (finding.ruleId !== driftRuleMeta.etc.id || finding.severity === 'HIGH');
      const severe = [...drifted.entries()].filter(([, findings]) => findings.some(isSevere));
      const names = [...new Set([...severe.map(([container]) => container), ...secrets.keys()])].sort();
      const etcOnly = [...drifted.keys()].filter((container) => !names.includes(container) && !unread.includes(container));
      const where = `host ${name}`;
      if (names.length > 0) {
        changes.push(
          change(
            `on ${name}: find out who changed ${names.join(', ')} at run time; redeploy them from their images, with read-only root filesystems (readOnlyRootFilesystem, --read-only)`,
            { nodes: ids },
          ),
        );
        return check(
          'gap',
          `${where}: ${names.length} of ${report.containers.length} containers have executables, packages or secrets written at run time (${names.slice(0, 5).join(', ')})`,
          where,
          ids,
          [...new Set([...severe.flatMap(([, findings]) => findings.map((f) => f.ruleId)), ...[...secrets.values()].flat().map((f) => f.ruleId)])],
        );
      }
      if (unread.length > 0)
        return check(
          'unknown',
          `${where}: the writable layers of ${unread.length} containers could not be read (${unread.slice(0, 5).join(', ')})`,
          where,
          ids,
        );
      if (etcOnly.length > 0)
        return check('partial', `${where}: ${etcOnly.length} containers changed files under /etc at run time (${etcOnly.slice(0, 5).join(', ')})`, where, ids, [
          driftRuleMeta.etc.id,
        ]);
      return check('met', `${where}: none of its ${report.containers.length} containers changed code, packages, secrets or /etc at run time`, where, ids);
    });
    if (checks === undefined) return unknown(noHostsScanned);
    return outcomeOf(
      checks,
      changes,
      { subject: 'hosts', met: 'run containers unchanged from their images', notMet: 'run containers changed at run time' },
      noHostsScanned,
    );
  },
};
