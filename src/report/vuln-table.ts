import { instructionOf } from '../image/history.js';
import { coverageGaps } from '../vuln/coverage.js';
import { renderRuleFindings, type RuleFindingSet } from './rule-findings.js';
import type { ScanReport } from './vuln-json.js';
import { diagnosticLine, printable, renderTable, truncate } from './table.js';
import { pushAll } from '../core/collections.js';
import { plural } from '../core/text.js';

/**
 * The human view of `scan image`: a summary, then findings grouped by where they came from — the
 * base image's layers (fix: change or update the base) and the layers the build added (fix: the
 * Dockerfile step) — one table per layer, most severe first.
 */
export function renderScan(report: ScanReport, width: number, ruleSets: readonly RuleFindingSet[] = [], color = false): string {
  const lines: string[] = [];
  const os = report.os ? `${report.os.id} ${report.os.version ?? ''}`.trim() : 'unknown OS';
  const total = report.findings.length;
  const counts = Object.entries(report.summary)
    .map(([level, n]) => `${level} ${n}`)
    .join(', ');
  const extra = ruleSets.map((set) => plural(set.findings.length, set.scanner === 'secret' ? 'secret' : `${set.scanner} finding`));
  const unchecked = report.coverage && !report.coverage.complete ? ` (${report.coverage.notChecked.length} not checked)` : '';
  const vulns = report.scanners.includes('vuln')
    ? [`${report.packages} packages${unchecked}, ${plural(total, 'vulnerability', 'vulnerabilities')} (${counts})`]
    : [];
  lines.push(`${printable(report.image.reference ?? report.image.name, 'id')} (${printable(os)}): ${[...vulns, ...extra].join('; ')}`);

  const byLayer = new Map<number, ScanReport['findings']>();
  for (const finding of report.findings) byLayer.set(finding.layer.index, [...(byLayer.get(finding.layer.index) ?? []), finding]);
  let heading: string | undefined;
  for (const [index, findings] of [...byLayer].sort(([a], [b]) => a - b)) {
    const first = findings[0] as ScanReport['findings'][number];
    const group = first.layer.inBaseImage === null ? 'Image layers' : first.layer.inBaseImage ? 'Base image layers' : 'Layers added by the build';
    if (group !== heading) {
      lines.push('', `== ${group} ==`);
      heading = group;
    }
    lines.push('', `Layer ${index}: ${truncate(instructionOf(first.layer.createdBy ?? undefined) ?? '(no history)', width - 10)}`);
    const rows = findings.map((f) => [
      f.severity.level + (f.severity.score !== undefined ? ` ${f.severity.score.toFixed(1)}` : ''),
      f.id,
      f.package.name,
      f.installedVersion,
      f.fixedVersion ?? '(no fix)',
      f.summary ?? f.aliases.slice(0, 3).join(' '),
    ]);
    lines.push(renderTable(['SEVERITY', 'VULNERABILITY', 'PACKAGE', 'INSTALLED', 'FIXED IN', 'TITLE'], rows, { width, color }));
  }
  const gaps = coverageGaps(report.coverage ?? undefined);
  if (total === 0 && report.scanners.includes('vuln'))
    lines.push('', gaps.length === 0 ? 'No vulnerabilities found.' : 'No vulnerabilities found in the packages that were checked.');
  if (gaps.length > 0)
    pushAll(lines, [
      '',
      `Not checked for vulnerabilities (${report.coverage?.notChecked.length} of ${report.packages} packages) — unknown, not clean:`,
      ...gaps.map((gap) => `  ${printable(gap)}`),
    ]);
  const rules = renderRuleFindings(ruleSets, width, color);
  if (rules) lines.push(rules.trimEnd());
  if (report.suppressed.length > 0) {
    pushAll(lines, [
      '',
      `${report.suppressed.length} suppressed:`,
      ...report.suppressed.map((s) => `  ${printable(`${s.id} ${s.purl} — ${s.by}: ${s.reason}`)}`),
    ]);
  }
  if (report.diagnostics.length > 0) {
    pushAll(lines, ['', `${report.diagnostics.length} diagnostic(s):`, ...report.diagnostics.slice(0, 20).map((d) => `  ${diagnosticLine(d)}`)]);
    if (report.diagnostics.length > 20) lines.push(`  ... ${report.diagnostics.length - 20} more (see --format json)`);
  }
  return `${lines.join('\n')}\n`;
}
