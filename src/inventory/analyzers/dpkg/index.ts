import type { FileAnalyzer } from '../../analyzer.js';
import type { AnalyzerOutput, FoundPackage } from '../../model.js';
import type { BoundedNotes } from '../../notes.js';
import { parseParagraphs, type Paragraph } from './control.js';

const statusFile = '/var/lib/dpkg/status';
const statusDir = '/var/lib/dpkg/status.d/';
const infoDir = '/var/lib/dpkg/info/';
const docDir = '/usr/share/doc/';

/**
 * dpkg's database: `var/lib/dpkg/status` (and distroless's one-file-per-package `status.d/*`) for
 * the installed packages, `info/<package>[:arch].list` for the files each installed, and each
 * package's `/usr/share/doc/<package>/copyright` for the licenses it declares.
 */
export const dpkgAnalyzer: FileAnalyzer = {
  id: 'dpkg',
  version: 3,
  maxBytes: 256 * 1024 * 1024,
  required(path) {
    if (path === statusFile) return true;
    if (path.startsWith(statusDir)) return !path.slice(statusDir.length).includes('/') && !path.endsWith('.md5sums');
    if (path.startsWith(docDir)) return path.endsWith('/copyright') && path.split('/').length === 6;
    return path.startsWith(infoDir) && path.endsWith('.list') && !path.slice(infoDir.length).includes('/');
  },
  analyze({ path, content }): AnalyzerOutput {
    const text = content.toString('utf8');
    if (path.startsWith(infoDir)) return { ownedFiles: [{ owner: ownerOfList(path), files: listedFiles(text) }] };
    if (path.startsWith(docDir)) return { declaredLicenses: copyrightLicenses(text) };
    return parseStatus(text, path.startsWith(statusDir));
  },
};

/**
 * The license names of a machine-readable (DEP-5) copyright file, in order of first appearance:
 * the first line of each `License:` field. Free-form copyright files declare nothing we can read
 * without guessing, so they give none.
 */
function copyrightLicenses(text: string): string[] {
  const { paragraphs } = parseParagraphs(text);
  const names = new Set<string>();
  for (const { fields } of paragraphs) {
    const name = fields.get('license')?.split('\n')[0]?.trim();
    if (name) names.add(name);
  }
  return [...names];
}

/** `/var/lib/dpkg/info/libc6:amd64.list` → `libc6`. */
function ownerOfList(path: string): string {
  return path.slice(infoDir.length, -'.list'.length).split(':')[0] ?? '';
}

/** A `.list` holds every path the package installed, directories included; keep the absolute paths. */
function listedFiles(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('/') && line !== '/.');
}

/**
 * Installed packages of a status file: `Status: <want> <flag> installed` (dpkg-query's `ii`, `hi`,
 * `ri`, `pi`: the files are on disk whatever is wanted next). Distroless `status.d` entries often
 * have no Status at all and count as installed; in the main status file such a record is dpkg's
 * "not-installed".
 */
function parseStatus(text: string, statusOptional = false): AnalyzerOutput {
  const { paragraphs, notes } = parseParagraphs(text);
  const packages: FoundPackage[] = [];
  for (const paragraph of paragraphs) {
    const found = packageOf(paragraph, statusOptional, notes);
    if (found) packages.push(found);
  }
  return { packages, notes: notes.list() };
}

function packageOf({ fields, line }: Paragraph, statusOptional: boolean, notes: BoundedNotes): FoundPackage | undefined {
  const name = fields.get('package');
  const status = fields.get('status');
  if (status === undefined ? !statusOptional : status.split(/\s+/)[2] !== 'installed') return undefined;
  const version = fields.get('version');
  if (!name || !version) {
    notes.add(`record at line ${line} has no ${name ? 'Version' : 'Package'} field; skipped`);
    return undefined;
  }
  // `Source: name` or `Source: name (version)`; dpkg-query defaults both to the binary's own
  const sourceMatch = /^(\S+)(?:\s+\((.+)\))?$/.exec(fields.get('source') ?? '');
  const source = { name: sourceMatch?.[1] ?? name, version: sourceMatch?.[2]?.trim() ?? version };
  const arch = fields.get('architecture');
  return { type: 'deb', name, version, ...(arch ? { arch } : {}), source };
}
