import type { LifecycleMap } from '../lifecycle/model.js';
import { hostName } from '../lifecycle/map-host.js';
import type { EstateEvidence } from '../lifecycle/estate-model.js';
import { secretRule } from '../secrets/index.js';
import type { RuleFinding } from '../rules/rule.js';
import type { PodSecurityResult } from '../runtime/pod-security.js';
import type { ReportFinding } from './html/input.js';

/**
 * Every finding of an estate as the posture reports list them: vulnerabilities and secrets of the
 * stored images, misconfiguration (Dockerfiles, registries, workloads, Pod Security), what host scans
 * found (engine configuration, containers, their drift and secrets), and the lifecycle map's breaks — each with the map nodes it concerns, so the report can mark them.
 */
export function estateFindings(evidence: EstateEvidence, map: LifecycleMap): ReportFinding[] {
  const known = new Set(map.nodes.map((node) => node.id));
  const onMap = (...ids: string[]): string[] => ids.filter((id) => known.has(id));
  const findings: ReportFinding[] = [];

  for (const dockerfile of evidence.build.dockerfiles) {
    for (const f of dockerfile.findings) {
      findings.push({
        category: 'misconfiguration',
        id: f.ruleId,
        severity: f.severity,
        title: f.message,
        where: `${dockerfile.file}:${f.location.startLine ?? 1}`,
        phase: 'build',
        nodes: onMap(`dockerfile:${dockerfile.file}`),
      });
    }
  }

  for (const report of evidence.registries) {
    for (const repository of report.repositories) {
      const node = onMap(`image:${report.registry}/${repository.name}`);
      for (const image of repository.images) {
        const name = `${report.registry}/${repository.name}${image.tags.length > 0 ? `:${image.tags.join(',')}` : `@${image.digest}`}`;
        for (const platform of image.platforms) {
          for (const v of platform.vulnerabilityList ?? []) {
            findings.push({
              category: 'vulnerability',
              id: v.id,
              severity: v.severity,
              title: v.summary ?? v.id,
              where: name,
              phase: 'distribute',
              nodes: node,
              detail: `${v.package} ${v.installed}${v.fixed ? ` → fixed in ${v.fixed}` : ' (no fix yet)'}`,
            });
          }
          for (const s of platform.secrets ?? []) {
            const where = `${name}${s.path ? ` ${s.path}` : ''}${s.layer !== undefined ? ` (layer ${s.layer})` : ''}`;
            findings.push({
              category: 'secret',
              id: s.ruleId,
              severity: secretRule(s.ruleId)?.meta.severity ?? 'HIGH',
              title: s.title,
              where,
              phase: 'build',
              nodes: node,
            });
          }
        }
      }
    }
    for (const f of report.findings) {
      // vulnerabilities and secrets are listed one by one above
      if (f.ruleId === 'SS-REG-014' || f.ruleId === 'SS-REG-016') continue;
      const { repository, tag, digest } = f.target;
      const where = repository ? `${report.registry}/${repository}${tag ? `:${tag}` : digest ? `@${digest}` : ''}` : report.registry;
      findings.push({
        category: 'misconfiguration',
        id: f.ruleId,
        severity: f.severity,
        title: f.message,
        where,
        phase: 'distribute',
        nodes: onMap(repository ? `image:${report.registry}/${repository}` : `registry:${report.registry}`),
      });
    }
  }

  const run = evidence.run;
  if (run) {
    for (const result of run.podSecurity.filter((r) => !r.allowed)) {
      for (const violation of result.violations) {
        findings.push({
          category: 'misconfiguration',
          id: `PSS-${result.level}`,
          severity: result.level === 'baseline' ? 'HIGH' : 'MEDIUM',
          title: `${violation.check}: ${violation.reason}${violation.detail ? ` (${violation.detail})` : ''}`,
          where: `${result.file}:${result.line} ${result.namespace}/${result.kind}/${result.name}`,
          phase: 'run',
          nodes: onMap(workloadId(result)),
        });
      }
    }
    for (const f of run.findings) {
      const owner = ownerOf(f, run.podSecurity);
      findings.push({
        category: 'misconfiguration',
        id: f.ruleId,
        severity: f.severity,
        title: f.message,
        where: `${f.location.file ?? ''}:${f.location.startLine ?? 1}`,
        phase: 'run',
        nodes: owner ? onMap(workloadId(owner)) : [],
      });
    }
  }

  for (const host of evidence.hosts ?? []) {
    const name = hostName(host);
    for (const f of host.findings) {
      findings.push({
        category: f.ruleId.startsWith('SS-SEC-') ? 'secret' : 'misconfiguration',
        id: f.ruleId,
        severity: f.severity,
        title: f.message,
        where: `${name}${f.container ? ` ${f.container.name}` : ''}${f.path ? `: ${f.path}` : ''}`,
        phase: 'host',
        nodes: onMap(f.container ? `container:${name}/${f.container.name}` : `node:${name}`),
      });
    }
  }

  for (const f of map.findings) {
    findings.push({
      category: 'lifecycle',
      id: f.ruleId,
      severity: f.severity,
      title: f.message,
      where: f.location.file ? `${f.location.file}:${f.location.startLine ?? 1}` : (f.nodes[0] ?? ''),
      phase: phaseOfMapRule(f.ruleId),
      nodes: onMap(...f.nodes),
    });
  }
  return findings;
}

function workloadId(result: Pick<PodSecurityResult, 'namespace' | 'kind' | 'name'>): string {
  return `workload:${result.namespace}/${result.kind}/${result.name}`;
}

/** The workload a finding's line falls in: the last object of the same file starting at or before it. */
function ownerOf(finding: RuleFinding, results: readonly PodSecurityResult[]): PodSecurityResult | undefined {
  const line = finding.location.startLine ?? 0;
  let owner: PodSecurityResult | undefined;
  for (const result of results) {
    if (result.file === finding.location.file && result.line <= line && (!owner || result.line > owner.line)) owner = result;
  }
  return owner;
}

/** SS-MAP-001/002/005 are about what runs; 003/004 about what is built. */
function phaseOfMapRule(ruleId: string): ReportFinding['phase'] {
  return ruleId === 'SS-MAP-003' || ruleId === 'SS-MAP-004' ? 'build' : 'run';
}
