import { compareSeverity } from '../core/severity.js';
import { pushAll } from '../core/collections.js';
import { plural } from '../core/text.js';
import type { HostFinding, HostReport, ScannedContainer } from '../host/scan.js';
import { jsonText, schemaName, type SchemaName } from './json-documents.js';
import { printable, renderTable } from './table.js';

/** `shipshape host scan -f json` (`shipshape/host-scan@1`; fields are only added). */
interface HostScanDocument extends HostReport {
  schema: SchemaName<'host-scan'>;
  summary: {
    containers: number;
    findings: Record<string, number>;
    /** Containers whose writable layer was not read, and the host's problems: what is unknown, never clean. */
    unknown: { containers: number; problems: number };
  };
}

function hostScanDocument(report: HostReport): HostScanDocument {
  const findings: Record<string, number> = {};
  for (const finding of report.findings) findings[finding.severity] = (findings[finding.severity] ?? 0) + 1;
  return {
    schema: schemaName('host-scan'),
    ...report,
    summary: {
      containers: report.containers.length,
      findings,
      unknown: { containers: report.containers.filter((container) => container.drift === undefined).length, problems: report.host.problems.length },
    },
  };
}

export function hostScanJson(report: HostReport): string {
  return jsonText(hostScanDocument(report));
}

/** What is unknown about the host, one line each: the gate fails on these as on findings. */
export function hostUnknowns(report: HostReport): string[] {
  return [
    ...report.host.problems,
    ...report.containers
      .filter((c) => c.drift === undefined)
      .map((c) => `container ${c.name}: its writable layer was not read (${c.driftUnknown ?? 'not found'})`),
  ];
}

/** The host, its engines, its containers with their drift, the findings and what was not read — for people. */
export function renderHostScan(report: HostReport, width: number, color = false): string {
  const { host } = report;
  const os = host.os?.prettyName ?? (host.os ? `${host.os.name} ${host.os.version ?? ''}`.trim() : 'unknown OS');
  const kernel = host.kernel ? `kernel ${host.kernel.release}` : 'kernel unknown';
  const lines = [`Host ${printable(host.hostname ?? host.root)}: ${printable(os)}, ${printable(kernel)}`, ''];
  lines.push(`== Engines: ${host.engines.length} ==`);
  if (host.engines.length > 0) {
    const rows = host.engines.map((engine) => [
      engine.kind,
      engine.version ?? 'unknown',
      String(engine.containers),
      engine.versionSource ?? '',
      engine.stateDir ?? '',
    ]);
    lines.push(renderTable(['ENGINE', 'VERSION', 'CONTAINERS', 'VERSION FROM', 'STATE'], rows, { width, kinds: ['id', 'id', 'id', 'text', 'path'], color }));
  }
  lines.push('', `== Containers: ${report.containers.length} ==`);
  if (report.containers.length > 0) {
    const rows = report.containers.map((container) => [
      container.name,
      container.engine,
      container.image.reference ?? container.image.id ?? 'unknown',
      facts(container),
      driftOf(container),
    ]);
    lines.push(renderTable(['CONTAINER', 'ENGINE', 'IMAGE', 'RUNS', 'WRITABLE LAYER'], rows, { width, kinds: ['id', 'id', 'path', 'text', 'text'], color }));
  }
  lines.push('', `== Findings: ${plural(report.findings.length, 'finding')} ==`);
  if (report.findings.length > 0) {
    const sorted = [...report.findings].sort((a, b) => -compareSeverity(a.severity, b.severity) || a.ruleId.localeCompare(b.ruleId));
    const rows = sorted.map((finding) => [finding.severity, finding.ruleId, whereOf(finding), finding.message]);
    lines.push(renderTable(['SEVERITY', 'RULE', 'WHERE', 'FINDING'], rows, { width, kinds: ['id', 'id', 'path', 'text'], color }));
  }
  const unknown = hostUnknowns(report);
  if (unknown.length > 0) pushAll(lines, ['', `== Not read (unknown, not clean): ${unknown.length} ==`, ...unknown.map((line) => `  ${printable(line)}`)]);
  return `${lines.join('\n')}\n`;
}

function facts(container: ScannedContainer): string {
  const parts = [
    container.privileged === true ? 'privileged' : undefined,
    container.user === undefined ? undefined : `user ${container.user === '' ? 'root (default)' : container.user}`,
    container.networkMode === 'host' ? 'host network' : undefined,
    container.readOnlyRootfs === true ? 'read-only root' : undefined,
    container.state,
  ];
  return parts.filter(Boolean).join(', ');
}

function driftOf(container: ScannedContainer): string {
  const drift = container.drift;
  if (drift === undefined) return 'not read';
  const counts = drift.counts ?? { added: drift.added.length, modified: drift.modified.length, deleted: drift.deleted.length };
  // what could not be read of it (a file, a hard link) is said here and listed in the JSON's drift.warnings
  return `+${counts.added} ~${counts.modified} -${counts.deleted}${drift.warnings.length > 0 ? ` (${plural(drift.warnings.length, 'warning')})` : ''}`;
}

function whereOf(finding: HostFinding): string {
  const where = [finding.container?.name, finding.path].filter(Boolean).join(': ');
  return where || 'host';
}
