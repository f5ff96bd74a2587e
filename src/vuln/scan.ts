import type { Diagnostic } from '../core/diagnostics.js';
import type { ImageModel } from '../image/read-image.js';
import { buildInventory } from '../inventory/build.js';
import type { Inventory } from '../inventory/inventory.js';
import type { AdvisoryLookup } from './match/matcher.js';
import { matchInventory } from './match/matcher.js';
import { lookupTarget } from './match/targets.js';
import { advisoryCoverage, type AdvisoryCoverage } from './coverage.js';
import type { VulnerabilityFinding } from './finding.js';
import { baseLayerCount } from './base-layers.js';
import type { SeverityLevel } from '../core/severity.js';
import { suppressFindings, type SuppressOptions, type Suppression } from './suppress.js';

export interface ScanOptions {
  /** Only these severities are reported. */
  severities?: readonly SeverityLevel[] | undefined;
  /** Leave out findings that have no fixed version. */
  ignoreUnfixed?: boolean | undefined;
  /** Override the number of base-image layers read off the history. */
  baseLayers?: number | undefined;
  /** Ignore-file entries and VEX documents that take findings out. */
  suppress?: SuppressOptions | undefined;
}

export interface ScanResult {
  model: ImageModel;
  inventory: Inventory;
  findings: VulnerabilityFinding[];
  /** Which packages the advisory database could check (undefined: vulnerabilities were not looked for). */
  coverage: AdvisoryCoverage | undefined;
  /** The advisory ecosystems the packages were looked up in (what `db update` should fetch). */
  ecosystems: string[];
  /** Findings taken out by the ignore file or VEX, with why. */
  suppressed: Suppression[];
  /** How many leading layers are the base image's (undefined: unknown). */
  baseLayers: number | undefined;
  diagnostics: Diagnostic[];
}

/** Inventory + vulnerabilities of an image already read (no store: inventory only). */
export function scanImage(model: ImageModel, store: AdvisoryLookup | undefined, options: ScanOptions = {}): ScanResult {
  const inventory = buildInventory(model);
  // without a store (vulnerability scanning not asked for) nothing is matched
  const matched = store ? matchInventory(inventory, store) : { findings: [], diagnostics: { items: [] } };
  const { kept, suppressed } = options.suppress ? suppressFindings(matched.findings, options.suppress) : { kept: matched.findings, suppressed: [] };
  const findings = kept.filter(
    (finding) => (!options.severities || options.severities.includes(finding.severity.level)) && (!options.ignoreUnfixed || finding.fixedVersion !== undefined),
  );
  return {
    model,
    inventory,
    findings,
    coverage: store ? advisoryCoverage(inventory, store) : undefined,
    ecosystems: [...new Set(inventory.packages.flatMap((pkg) => lookupTarget(pkg, inventory.os)?.ecosystems ?? []))].sort(),
    suppressed,
    baseLayers: baseLayerCount(model, options.baseLayers),
    diagnostics: [...model.diagnostics, ...inventory.diagnostics, ...matched.diagnostics.items],
  };
}
