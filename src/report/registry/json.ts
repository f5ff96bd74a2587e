import type { ScanSummary } from '../../distribute/history.js';
import type { RegistryChanges, RegistryScanReport } from '../../distribute/model.js';
import { jsonText, schemaName, type SchemaName } from '../json-documents.js';

/** `shipshape history -f json` (`shipshape/registry-history@1`; fields are only added). */
export interface RegistryHistoryReport {
  schema: SchemaName<'registry-history'>;
  /** Every scan recorded (of the registry asked for, when one was). */
  scans: ScanSummary[];
  /** The scan shown. */
  scan: ScanSummary;
  /** The scan before it of the same registry and prefix; absent for the first. */
  previous?: ScanSummary;
  /** What changed since `previous`; absent when there is no previous scan. */
  changes?: RegistryChanges;
}

/** The `history` document; `previous` and `changes` are left out when there is nothing to compare with. */
export function registryHistoryReport(
  scans: ScanSummary[],
  scan: ScanSummary,
  previous: ScanSummary | undefined,
  changes: RegistryChanges | undefined,
): RegistryHistoryReport {
  return { schema: schemaName('registry-history'), scans, scan, ...(previous ? { previous } : {}), ...(changes ? { changes } : {}) };
}

/** The document `registry scan -f json` writes (`shipshape/registry-scan@1`, built by the registry scan). */
export function registryScanJson(report: RegistryScanReport): string {
  return jsonText(report);
}

/** The document `history -f json` writes. */
export function registryHistoryJson(report: RegistryHistoryReport): string {
  return jsonText(report);
}
