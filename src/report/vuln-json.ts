import type { Diagnostic } from '../core/diagnostics.js';
import type { RuleFinding } from '../rules/rule.js';
import type { AdvisoryCoverage } from '../vuln/coverage.js';
import type { ScanResult } from '../vuln/scan.js';
import type { RuleFindingSet } from './rule-findings.js';
import type { VulnerabilityFinding } from '../vuln/finding.js';
import { imageDigest } from './sbom/document.js';
import { jsonText, schemaName, type SchemaName } from './json-documents.js';

/** `shipshape scan image --format json` (`shipshape/scan@1`; fields are only added). */
export interface ScanReport {
  schema: SchemaName<'scan'>;
  /** Kept for readers of the first releases; new readers use `schema`. */
  schemaVersion: 1;
  /** The scanners that ran: `vuln`, `secret`, `config`. */
  scanners: string[];
  image: { name: string; reference: string | null; digest: string; platform: string };
  os: { id: string; version: string | null; advisoryEcosystem: string | null } | null;
  /** How many leading layers are the base image's, as read off the history (null: unknown). */
  baseLayers: number | null;
  packages: number;
  /**
   * Which packages the advisory database could check (null when vulnerabilities were not looked
   * for). Packages of an ecosystem the database holds no advisories for were not checked: no
   * finding there means nothing.
   */
  coverage: AdvisoryCoverage | null;
  summary: Record<string, number>;
  findings: (Omit<VulnerabilityFinding, 'package'> & {
    package: { name: string; version: string; type: string; purl: string; path: string; location: string | null };
    layer: { index: number; digest: string; diffId: string; createdBy: string | null; inBaseImage: boolean | null };
  })[];
  /** Secrets found in any layer (including files later layers deleted) and in the image config; matches masked. */
  secrets: RuleFinding[];
  /** Image-configuration and Dockerfile findings. */
  misconfigurations: RuleFinding[];
  /** Findings the ignore file or VEX statements took out, and why. */
  suppressed: { id: string; aliases: string[]; purl: string; by: 'ignorefile' | 'vex'; reason: string }[];
  diagnostics: Diagnostic[];
}

export function scanReport(result: ScanResult, ruleSets: readonly RuleFindingSet[] = [], scanners: string[] = ['vuln']): ScanReport {
  const { model, inventory, findings, baseLayers } = result;
  const summary: Record<string, number> = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  for (const finding of findings) summary[finding.severity.level] = (summary[finding.severity.level] ?? 0) + 1;
  return {
    schema: schemaName('scan'),
    schemaVersion: 1,
    scanners,
    image: {
      name: model.image.name,
      reference: model.image.reference ?? null,
      digest: imageDigest(model.image),
      platform: [model.image.config.os, model.image.config.architecture, model.image.config.variant].filter(Boolean).join('/'),
    },
    os: inventory.os
      ? { id: inventory.os.id, version: inventory.os.version ?? null, advisoryEcosystem: inventory.os.distro?.advisoryEcosystem(inventory.os.version) ?? null }
      : null,
    baseLayers: baseLayers ?? null,
    packages: inventory.packages.length,
    coverage: result.coverage ?? null,
    summary,
    findings: findings.map(({ package: pkg, ...finding }) => ({
      ...finding,
      package: { name: pkg.name, version: pkg.version, type: pkg.type, purl: pkg.purl, path: pkg.path, location: pkg.location ?? null },
      layer: {
        index: pkg.layer.index,
        digest: pkg.layer.digest,
        diffId: pkg.layer.diffId,
        createdBy: pkg.layer.createdBy ?? null,
        inBaseImage: baseLayers === undefined ? null : pkg.layer.index < baseLayers,
      },
    })),
    secrets: ruleSets.filter((set) => set.scanner === 'secret').flatMap((set) => set.findings),
    misconfigurations: ruleSets.filter((set) => set.scanner !== 'secret').flatMap((set) => set.findings),
    suppressed: result.suppressed.map((s) => ({ id: s.finding.id, aliases: s.finding.aliases, purl: s.finding.package.purl, by: s.by, reason: s.reason })),
    diagnostics: result.diagnostics,
  };
}

/** The document `scan image -f json` writes. */
export function scanJson(report: ScanReport): string {
  return jsonText(report);
}
