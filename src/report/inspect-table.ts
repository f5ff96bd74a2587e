import { formatBytes, shortDigest } from '../core/format.js';
import type { FileEntry } from '../image/layer/entry.js';
import type { ImageModel } from '../image/read-image.js';
import type { InspectReport } from './inspect-json.js';
import { diagnosticLine, printable, renderTable, truncate } from './table.js';
import { maxOf } from '../core/collections.js';

const freeText = new Set(['Entrypoint', 'Cmd', 'Env', 'Ports', 'Labels']);

/** The human view of `image inspect`: a summary of the image, then one row per layer. */
export function renderInspect(report: InspectReport, width: number): string {
  const { config } = report;
  const list = (values: readonly string[] | null): string => (values && values.length > 0 ? values.join(' ') : '-');
  const summary: [string, string][] = [
    ['Image', `${report.reference ?? report.name} (${report.source})`],
    [report.digestOf === 'manifest' ? 'Digest' : 'Image ID', report.digest],
    ...(report.indexDigest ? ([['Index', report.indexDigest]] as [string, string][]) : []),
    ['Platform', [report.platform.os, report.platform.architecture, report.platform.variant].filter(Boolean).join('/')],
    ['Created', report.created ?? '-'],
    ['User', config.user ?? '(none: runs as root)'],
    ['Entrypoint', list(config.entrypoint)],
    ['Cmd', list(config.cmd)],
    ['WorkingDir', config.workingDir ?? '-'],
    ['Env', config.env.length > 0 ? config.env.join(', ') : '-'],
    ['Ports', config.exposedPorts.length > 0 ? config.exposedPorts.join(', ') : '-'],
    [
      'Labels',
      Object.entries(config.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || '-',
    ],
  ];
  const labelWidth = maxOf(summary.map(([label]) => label.length));
  // names, digests, platform, user and paths are never cut; lists of free text are
  const lines = summary.map(
    ([label, value]) => `${label.padEnd(labelWidth)}  ${freeText.has(label) ? truncate(value, Math.max(20, width - labelWidth - 2)) : printable(value, 'id')}`,
  );

  const rows = report.layers.map((layer) => [
    String(layer.index),
    shortDigest(layer.digest),
    formatBytes(layer.size),
    String(layer.counts.added),
    String(layer.counts.modified),
    String(layer.counts.deleted),
    layer.instruction ?? layer.createdBy ?? '-',
  ]);
  const table = renderTable(['#', 'DIGEST', 'SIZE', 'ADDED', 'MODIFIED', 'DELETED', 'CREATED BY'], rows, {
    width,
    align: ['right', 'left', 'right', 'right', 'right', 'right', 'left'],
  });
  const totals = `${report.fileCount} files in the squashed image; ${report.hiddenFileCount} more deleted or overwritten by later layers but still shipped in lower ones.`;
  return [...lines, '', table, '', totals, ...diagnosticLines(report)].join('\n') + '\n';
}

/** `--layer N`: what one layer changed, one path a line, like `docker diff` with details. */
export function renderLayerChanges(model: ImageModel, report: InspectReport, index: number, width: number): string {
  const layer = model.layers[index];
  const summary = report.layers[index];
  if (!layer || !summary) return '';
  const entries = new Map(layer.scan.entries.map((entry) => [entry.path, entry]));
  const rows: string[][] = [];
  const add = (mark: string, path: string): void => {
    const entry = entries.get(path);
    rows.push([mark, entry ? modeString(entry) : '', entry?.type === 'file' ? formatBytes(entry.size) : '', describePath(path, entry)]);
  };
  for (const path of [...layer.changes.added].sort()) add('A', path);
  for (const path of [...layer.changes.modified].sort()) add('M', path);
  for (const path of [...layer.changes.deleted].sort()) add('D', path);
  for (const path of [...layer.changes.opaqueDirs].sort()) add('O', `${path}/ (opaque: lower contents hidden)`);
  const head = [
    `Layer ${index} of ${report.layers.length}: ${printable(summary.digest, 'id')}`,
    `diffID      ${printable(summary.diffId, 'id')}`,
    `size        ${formatBytes(summary.size)} stored, ${formatBytes(summary.uncompressedSize)} uncompressed`,
    `created by  ${printable(summary.createdBy ?? '-')}`,
    `changes     ${summary.counts.added} added, ${summary.counts.modified} modified, ${summary.counts.deleted} deleted` +
      (summary.counts.opaqueDirs ? `, ${summary.counts.opaqueDirs} opaque directories` : ''),
    '',
  ];
  // paths in the image are exact: never shortened
  const table =
    rows.length > 0
      ? renderTable(['', 'MODE', 'SIZE', 'PATH'], rows, { width, align: ['left', 'left', 'right', 'left'], kinds: ['id', 'id', 'id', 'id'] })
      : '(no changes)';
  return [...head, table].join('\n') + '\n';
}

function describePath(path: string, entry: FileEntry | undefined): string {
  if (entry?.type === 'symlink') return `${path} -> ${entry.linkTarget ?? ''}`;
  if (entry?.type === 'hardlink') return `${path} => ${entry.linkTarget ?? ''} (hard link)`;
  return path;
}

const typeChar: Record<FileEntry['type'], string> = { file: '-', dir: 'd', symlink: 'l', hardlink: '-', char: 'c', block: 'b', fifo: 'p' };

/** `ls -l` style permissions, including setuid/setgid/sticky. */
function modeString(entry: FileEntry): string {
  const { mode } = entry;
  const triplet = (shift: number, special: boolean, specialChar: string): string => {
    const r = mode & (4 << shift) ? 'r' : '-';
    const w = mode & (2 << shift) ? 'w' : '-';
    const executable = (mode & (1 << shift)) !== 0;
    const x = special ? (executable ? specialChar : specialChar.toUpperCase()) : executable ? 'x' : '-';
    return r + w + x;
  };
  return typeChar[entry.type] + triplet(6, (mode & 0o4000) !== 0, 's') + triplet(3, (mode & 0o2000) !== 0, 's') + triplet(0, (mode & 0o1000) !== 0, 't');
}

function diagnosticLines(report: InspectReport): string[] {
  if (report.diagnostics.length === 0) return [];
  return ['', `${report.diagnostics.length} diagnostic(s):`, ...report.diagnostics.map((d) => `  ${diagnosticLine(d)}`)];
}
