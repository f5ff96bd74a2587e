import { shortDigest } from '../../core/format.js';
import type { PlatformImage, RegistryScanReport, StoredImage } from '../../distribute/model.js';
import { compareSeverity } from '../../vuln/severity.js';
import { renderTable } from '../table.js';

/** `shipshape registry scan` for people: access, one row per image (and platform), findings, changes. */
export function renderRegistryScan(report: RegistryScanReport, width: number): string {
  const lines: string[] = [];
  const { access } = report;
  const where = `${report.registry}${report.prefix ? `/${report.prefix}` : ''}`;
  lines.push(`Registry ${where} (${access.scheme.toUpperCase()}), scanned ${report.scannedAt}`);
  const tls = access.tls ? `; TLS certificate ${access.tls.trusted ? 'trusted' : `NOT trusted (${access.tls.error ?? 'unknown'})`}, expires ${access.tls.validTo.slice(0, 10)} (${access.tls.daysLeft} days)` : '';
  lines.push(`Auth: ${access.authScheme}; anonymous pull: ${yesNo(access.anonymousPull)}; anonymous catalog: ${yesNo(access.anonymousCatalog)}${tls}`);

  const rows: string[][] = [];
  for (const repository of report.repositories) {
    for (const image of repository.images) {
      const platforms = image.platforms.length > 0 ? image.platforms : [undefined];
      for (const platform of platforms) {
        rows.push([
          repository.name,
          image.tags.length > 0 ? image.tags.join(',') : '(untagged)',
          shortDigest(platform?.digest ?? image.digest),
          platform?.platform ?? '',
          platform?.ageDays === undefined ? '' : `${platform.ageDays}d`,
          osOf(platform),
          vulnsOf(platform),
          signingOf(image),
        ]);
      }
    }
  }
  lines.push('', `== Images: ${rows.length} ==`);
  if (rows.length > 0) lines.push(renderTable(['REPOSITORY', 'TAGS', 'DIGEST', 'PLATFORM', 'AGE', 'OS', 'VULNS C/H/M/L', 'SIGNED / ATTESTED'], rows, { width }));

  lines.push('', `== Findings: ${report.findings.length} ==`);
  const findings = [...report.findings].sort((a, b) => -compareSeverity(a.severity, b.severity) || a.ruleId.localeCompare(b.ruleId));
  if (findings.length > 0) lines.push(renderTable(['SEVERITY', 'RULE', 'FINDING'], findings.map((f) => [f.severity, f.ruleId, f.message]), { width }));

  const changes = report.changes;
  if (changes) {
    lines.push('', `== Changes since ${changes.previousScanAt} ==`);
    for (const t of changes.movedTags) lines.push(`moved   ${t.repository}:${t.tag}  ${shortDigest(t.from)} → ${shortDigest(t.to)}`);
    for (const i of changes.newImages) lines.push(`new     ${i.repository}@${shortDigest(i.digest)} ${i.tags.join(',')}`);
    for (const t of changes.removedTags) lines.push(`removed ${t.repository}:${t.tag} (was ${shortDigest(t.digest)})`);
    lines.push(`${changes.newFindings.length} new finding(s)`);
  }
  for (const d of report.diagnostics) lines.push(`warning: ${d}`);
  return `${lines.join('\n')}\n`;
}

function yesNo(value: boolean | undefined): string {
  return value === undefined ? 'unknown' : value ? 'YES' : 'no';
}

function osOf(platform: PlatformImage | undefined): string {
  const os = platform?.os;
  if (!os) return '';
  return `${os.id} ${os.version ?? ''}${os.endOfLife ? ' (EOL)' : ''}`.trim();
}

function vulnsOf(platform: PlatformImage | undefined): string {
  const v = platform?.vulnerabilities;
  if (!v) return '-';
  return `${v.CRITICAL ?? 0}/${v.HIGH ?? 0}/${v.MEDIUM ?? 0}/${v.LOW ?? 0}`;
}

function signingOf(image: StoredImage): string {
  const signatures = image.signatures.length === 0 ? 'unsigned' : image.signatures.map((s) => `${s.format}${s.verified === true ? ' ✓' : s.verified === false ? ' ✗' : ''}`).join(',');
  const attestations = [...new Set(image.attestations.map((a) => a.kind))].join(',');
  return attestations ? `${signatures} / ${attestations}` : signatures;
}
