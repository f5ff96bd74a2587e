import type { HostReport } from '../../../host/scan.js';
import { hostName } from '../../map-host.js';
import type { ProposedChange } from '../model.js';
import type { PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';
import { noHostsScanned, scannedHostChecks } from './host-nodes.js';

/** SS-CTL-H06: every container engine's configuration, sockets and files pass the SS-HOST rules (CIS Docker Benchmark sections 2 and 3). */
export const engineConfiguration: PostureControl = {
  meta: {
    id: 'SS-CTL-H06',
    phase: 'host',
    title: 'Container engines are configured securely',
    objective:
      "Each host's engines (Docker, containerd, CRI-O, Podman) keep their API off the network without TLS, verify registries' TLS, restrict containers by default (no new privileges, no inter-container traffic, user namespaces) and keep their sockets and configuration owned by root.",
    evaluation:
      'Per scanned host, the SS-HOST findings of `host scan`: none is met, only MEDIUM/LOW ones partial, a CRITICAL or HIGH one a gap; a host whose configuration could not be read, and a cluster node not scanned, are unknown.',
    references: [
      { framework: 'CIS Docker Benchmark', id: '2', title: 'Docker daemon configuration' },
      { framework: 'CIS Docker Benchmark', id: '3', title: 'Docker daemon configuration files' },
      { framework: 'NIST SP 800-190', id: '4.5.2', title: 'Shared kernel' },
    ],
    weight: 1,
  },
  evaluate(context) {
    const changes: ProposedChange[] = [];
    const checks = scannedHostChecks(context, (report, ids) => {
      const name = hostName(report);
      const findings = report.findings.filter((finding) => finding.ruleId.startsWith('SS-HOST-'));
      const configProblems = report.host.problems.filter(
        (problem) => report.host.configFiles.some((file) => problem.startsWith(file)) || /daemon\.json|config\.toml|crio\.conf|registries\.conf/.test(problem),
      );
      if (findings.length === 0 && configProblems.length > 0) return check('unknown', `host ${name}: ${configProblems[0]}`, `host ${name}`, ids);
      if (findings.length === 0)
        return check(
          'met',
          `host ${name}: ${report.host.configFiles.length} engine configuration files and sockets pass every SS-HOST rule`,
          `host ${name}`,
          ids,
        );
      const severe = findings.filter((finding) => finding.severity === 'CRITICAL' || finding.severity === 'HIGH');
      changes.push(
        change(`on ${name}: ${[...new Set(findings.map((finding) => finding.title))].join('; ')} (see the SS-HOST findings of its host scan)`, { nodes: ids }),
      );
      const listed = findings.slice(0, 3).map((finding) => `${finding.ruleId} ${finding.message}`);
      return check(
        severe.length > 0 ? 'gap' : 'partial',
        `host ${name}: ${findings.length} engine configuration findings (${listed.join('; ')}${findings.length > 3 ? '; …' : ''})`,
        `host ${name}`,
        ids,
        findings.map((f) => f.ruleId),
      );
    });
    if (checks === undefined) return unknown(noHostsScanned);
    return outcomeOf(
      checks,
      changes,
      { subject: 'hosts', met: 'configure their engines securely', notMet: 'have engine configuration findings' },
      noHostsScanned,
    );
  },
};

/** The report's findings of one rule family about containers (SS-DRIFT, SS-CTR), by container. */
export function containerFindings(report: HostReport, prefix: string): Map<string, HostReport['findings']> {
  const byContainer = new Map<string, HostReport['findings']>();
  for (const finding of report.findings) {
    if (!finding.ruleId.startsWith(prefix) || finding.container === undefined) continue;
    byContainer.set(finding.container.name, [...(byContainer.get(finding.container.name) ?? []), finding]);
  }
  return byContainer;
}
