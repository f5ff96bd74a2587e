import type { CapturedFile, FileAnalyzer } from '../../analyzer.js';
import type { AnalyzerOutput, FoundPackage } from '../../model.js';
import { parentOf, type FileEntry } from '../../../image/layer/entry.js';

const manifestSuffix = '/package.json';
const modulesSuffix = '/node_modules';

/**
 * Whether a path is the manifest of an installed package: `…/node_modules/<name>/package.json` or
 * `…/node_modules/@scope/<name>/package.json`, at any depth. A project's own package.json, and the
 * package.json files packages keep in their subfolders (`dist/esm/package.json`), are not.
 */
export function isInstalledManifest(path: string): boolean {
  if (!path.endsWith(manifestSuffix)) return false;
  const folder = path.slice(0, -manifestSuffix.length);
  const slash = folder.lastIndexOf('/');
  if (slash < 0) return false;
  const name = folder.slice(slash + 1);
  // npm names never start with `.` (`.bin`, `.cache`) and `node_modules` is a reserved name
  if (name === '' || name.startsWith('.') || name === 'node_modules') return false;
  const parent = folder.slice(0, slash);
  if (parent.endsWith(modulesSuffix)) return !name.startsWith('@');
  const scopeSlash = parent.lastIndexOf('/');
  if (scopeSlash < 0) return false;
  const scope = parent.slice(scopeSlash + 1);
  return scope.length > 1 && scope.startsWith('@') && !name.startsWith('@') && parent.slice(0, scopeSlash).endsWith(modulesSuffix);
}

/**
 * Declared licenses: `license` (an SPDX string, or the old `{ type }` object), else the legacy
 * `licenses` list. Either is taken as a list or a single value, as packages have written both.
 */
function licensesOf(manifest: Record<string, unknown>): string[] | undefined {
  for (const field of [manifest.license, manifest.licenses]) {
    const names = (Array.isArray(field) ? field : [field]).map(licenseName).filter((name): name is string => name !== undefined);
    if (names.length > 0) return [...new Set(names)];
  }
  return undefined;
}

function licenseName(value: unknown): string | undefined {
  const name = typeof value === 'object' && value !== null && 'type' in value ? value.type : value;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
}

function parseManifest(content: Buffer): { manifest?: Record<string, unknown>; problem?: string } {
  // npm itself tolerates a UTF-8 byte order mark; JSON.parse does not
  const text = content.toString('utf8').replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `not valid JSON (${error instanceof Error ? error.message : String(error)}): skipped` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'not a JSON object: skipped' };
  return { manifest: value as Record<string, unknown> };
}

/** Reads the package an installed `package.json` describes. */
function analyzeManifest(file: CapturedFile): AnalyzerOutput {
  const { manifest, problem } = parseManifest(file.content);
  if (!manifest) return { notes: [problem ?? 'unreadable: skipped'] };
  const { name, version } = manifest;
  if (typeof name !== 'string' || name.trim() === '') return { notes: ['package.json has no name: skipped'] };
  if (typeof version !== 'string' || version.trim() === '') return { notes: [`package.json of ${name} has no version: skipped`] };
  // the folder, not the manifest, is the package (and tells nested copies of one name apart)
  const found: FoundPackage = { type: 'npm', name: name.trim(), version: version.trim(), location: parentOf(file.path) };
  const licenses = licensesOf(manifest);
  if (licenses) found.licenses = licenses;
  return { packages: [found] };
}

/** Installed npm packages, one per `node_modules/[@scope/]<name>/package.json`. Lockfiles are not read. */
export const npmAnalyzer: FileAnalyzer = {
  id: 'npm',
  version: 1,
  // old npm clients copied the whole README into installed manifests
  maxBytes: 4 * 1024 * 1024,
  required: (path: string, entry: FileEntry) => entry.type === 'file' && isInstalledManifest(path),
  analyze: analyzeManifest,
};
