import { shortDigest } from '../../core/format.js';
import type { PlatformImage, RegistryScanReport, StoredImage } from '../../distribute/model.js';
import { compareSeverity, type SeverityLevel } from '../../core/severity.js';
import { printable, renderTable } from '../table.js';

/**
 * `shipshape registry scan` for people: access, one row per image (and platform), findings, changes.
 * The counts are those the scan history records (`shipshape history`): images are stored images
 * (one per repository and digest, however many platforms), findings all of the scan's — `severities`
 * only chooses which are listed.
 */
export function renderRegistryScan(report: RegistryScanReport, width: number, severities?: readonly SeverityLevel[], color = false): string {
  const lines: string[] = [];
  const { access } = report;
  const where = `${report.registry}${report.prefix ? `/${report.prefix}` : ''}`;
  lines.push(`Registry ${printable(where, 'id')} (${access.scheme.toUpperCase()}), scanned ${report.scannedAt}`);
  const tls = access.tls
    ? `; TLS certificate ${access.tls.trusted ? 'trusted' : `NOT trusted (${access.tls.error ?? 'unknown'})`}, expires ${access.tls.validTo.slice(0, 10)} (${access.tls.daysLeft} days)`
    : '';
  lines.push(
    `Auth: ${access.authScheme}; anonymous pull: ${yesNo(access.anonymousPull)}; anonymous catalog: ${yesNo(access.anonymousCatalog)}${printable(tls)}`,
  );

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
  const images = report.repositories.reduce((n, r) => n + r.images.length, 0);
  lines.push('', `== Images: ${images}${rows.length !== images ? ` (${rows.length} platform images)` : ''} ==`);
  const kinds = ['id', 'id', 'id', 'id', 'id', 'text', 'id', 'text'] as const;
  if (rows.length > 0)
    lines.push(renderTable(['REPOSITORY', 'TAGS', 'DIGEST', 'PLATFORM', 'AGE', 'OS', 'VULNS C/H/M/L', 'SIGNED / ATTESTED'], rows, { width, kinds }));

  const shown = severities ? report.findings.filter((f) => severities.includes(f.severity)) : report.findings;
  lines.push(
    '',
    `== Findings: ${report.findings.length}${shown.length !== report.findings.length ? ` (${shown.length} shown: ${severities?.join(',') ?? ''})` : ''} ==`,
  );
  const findings = [...shown].sort((a, b) => -compareSeverity(a.severity, b.severity) || a.ruleId.localeCompare(b.ruleId));
  if (findings.length > 0)
    lines.push(
      renderTable(
        ['SEVERITY', 'RULE', 'FINDING'],
        findings.map((f) => [f.severity, f.ruleId, f.message]),
        { width, color },
      ),
    );

  const changes = report.changes;
  if (changes) {
    lines.push('', `== Changes since ${changes.previousScanAt} ==`);
    for (const t of changes.movedTags) lines.push(printable(`moved   ${t.repository}:${t.tag}  ${shortDigest(t.from)} → ${shortDigest(t.to)}`, 'id'));
    for (const i of changes.newImages) lines.push(printable(`new     ${i.repository}@${shortDigest(i.digest)} ${i.tags.join(',')}`, 'id'));
    for (const t of changes.removedTags) lines.push(printable(`removed ${t.repository}:${t.tag} (was ${shortDigest(t.digest)})`, 'id'));
    lines.push(`${changes.newFindings.length} new finding(s)`);
  }
  for (const d of report.diagnostics) lines.push(`warning: ${printable(d)}`);
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
  // counts over packages the advisory database did not all cover are a floor, not an answer
  const partial = platform?.coverage?.complete === false ? ' + not checked' : platform?.coverage === undefined ? ' (coverage unknown)' : '';
  return `${v.CRITICAL ?? 0}/${v.HIGH ?? 0}/${v.MEDIUM ?? 0}/${v.LOW ?? 0}${partial}`;
}

function signingOf(image: StoredImage): string {
  const signatures =
    image.signatures.length === 0
      ? 'unsigned'
      : image.signatures.map((s) => `${s.format}${s.verified === true ? ' ✓' : s.verified === false ? ' ✗' : ''}`).join(',');
  const attestations = [...new Set(image.attestations.map((a) => a.kind))].join(',');
  return attestations ? `${signatures} / ${attestations}` : signatures;
}
