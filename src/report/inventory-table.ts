import { shortDigest } from '../core/format.js';
import { instructionOf } from '../image/history.js';
import type { InventoryReport } from './inventory-json.js';
import { displayVersion } from './sbom/document.js';
import { diagnosticLine, printable, renderTable } from './table.js';

/** The human view of `shipshape sbom`: the OS, then every package with the layer that brought it. */
export function renderInventory(report: InventoryReport, width: number): string {
  const os = report.os ? `${report.os.prettyName ?? `${report.os.name} ${report.os.version ?? ''}`}${report.os.distroless ? ' (distroless)' : ''}` : 'unknown';
  const head = [
    `Image     ${printable(report.image.reference ?? report.image.name, 'id')} ${shortDigest(report.image.digest)}`,
    `OS        ${printable(os)}`,
    '',
  ];
  const counts = new Map<string, number>();
  for (const pkg of report.packages) counts.set(pkg.type, (counts.get(pkg.type) ?? 0) + 1);
  const rows = report.packages.map((pkg) => [
    pkg.type,
    pkg.namespace ? `${pkg.namespace}/${pkg.name}` : pkg.name,
    displayVersion(pkg),
    String(pkg.layer.index),
    pkg.location ?? pkg.path,
  ]);
  const table =
    rows.length > 0
      ? renderTable(['TYPE', 'NAME', 'VERSION', 'LAYER', 'FOUND IN'], rows, {
          width,
          align: ['left', 'left', 'left', 'right', 'left'],
          kinds: ['id', 'id', 'id', 'id', 'path'],
        })
      : '(no packages found)';
  // one line per layer that brought packages: the build step a person can act on
  const byLayer = new Map<number, { count: number; createdBy: string | undefined }>();
  for (const pkg of report.packages) {
    const entry = byLayer.get(pkg.layer.index) ?? { count: 0, createdBy: pkg.layer.createdBy };
    entry.count++;
    byLayer.set(pkg.layer.index, entry);
  }
  const layerRows = [...byLayer]
    .sort(([a], [b]) => a - b)
    .map(([index, { count, createdBy }]) => [String(index), String(count), instructionOf(createdBy) ?? '-']);
  const layers = layerRows.length > 0 ? ['', renderTable(['LAYER', 'PACKAGES', 'CREATED BY'], layerRows, { width, align: ['right', 'right', 'left'] })] : [];
  const summary =
    `${report.packages.length} packages (${[...counts].map(([type, n]) => `${n} ${type}`).join(', ') || 'none'})` +
    (report.suppressed.length ? `; ${report.suppressed.length} language packages owned by OS packages not counted twice` : '') +
    '.';
  const diagnostics = report.diagnostics.length
    ? ['', `${report.diagnostics.length} diagnostic(s):`, ...report.diagnostics.map((d) => `  ${diagnosticLine(d)}`)]
    : [];
  return [...head, table, ...layers, '', summary, ...diagnostics].join('\n') + '\n';
}
