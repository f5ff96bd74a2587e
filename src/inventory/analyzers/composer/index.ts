import { posix } from 'node:path';
import type { CapturedFile, FileAnalyzer } from '../../analyzer.js';
import type { AnalyzerOutput, FoundPackage } from '../../model.js';
import { parentOf, type FileEntry } from '../../../image/layer/entry.js';

const installedSuffix = '/vendor/composer/installed.json';

/** Whether a path is Composer's record of what it installed into a vendor folder. */
function isInstalledJson(path: string): boolean {
  return path.endsWith(installedSuffix);
}

/** The package list: Composer 1 writes a bare array, Composer 2 `{ "packages": [...], "dev-package-names": [...] }`. */
function packageList(document: unknown): { list?: unknown[]; dev: Set<string> } {
  if (Array.isArray(document)) return { list: document, dev: new Set() };
  if (typeof document !== 'object' || document === null) return { dev: new Set() };
  const { packages, 'dev-package-names': devNames } = document as Record<string, unknown>;
  const dev = new Set(Array.isArray(devNames) ? devNames.filter((name): name is string => typeof name === 'string') : []);
  return Array.isArray(packages) ? { list: packages, dev } : { dev };
}

function licensesOf(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  const names = [...new Set(list.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((item) => item.trim()))];
  return names.length > 0 ? names : undefined;
}

/** `vendor/package` → purl namespace `vendor`, name `package`. */
function splitName(full: string): Pick<FoundPackage, 'namespace' | 'name'> {
  const slash = full.indexOf('/');
  return slash > 0 && slash < full.length - 1 ? { namespace: full.slice(0, slash), name: full.slice(slash + 1) } : { name: full };
}

function packageOf(item: unknown, index: number, composerDir: string, dev: Set<string>, notes: string[]): FoundPackage | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    notes.push(`package ${index} is not an object: skipped`);
    return undefined;
  }
  const record = item as Record<string, unknown>;
  const { name, version } = record;
  if (typeof name !== 'string' || name.trim() === '') {
    notes.push(`package ${index} has no name: skipped`);
    return undefined;
  }
  if (typeof version !== 'string' || version.trim() === '') {
    notes.push(`package ${index} (${name}) has no version: skipped`);
    return undefined;
  }
  // the version stays as written (`v3.3.2`); the normalised one is what Composer compares
  const found: FoundPackage = { type: 'composer', ...splitName(name.trim()), version: version.trim() };
  const licenses = licensesOf(record.license);
  if (licenses) found.licenses = licenses;
  const properties: Record<string, string> = {};
  if (typeof record.version_normalized === 'string' && record.version_normalized !== '') properties.normalizedVersion = record.version_normalized;
  if (dev.has(name)) properties.dev = 'true';
  if (Object.keys(properties).length > 0) found.properties = properties;
  // Composer 2 says where each package went, relative to vendor/composer (metapackages have none)
  const installPath = record['install-path'];
  if (typeof installPath === 'string' && installPath !== '' && !posix.isAbsolute(installPath)) {
    found.location = posix.normalize(`${composerDir}/${installPath}`);
  }
  return found;
}

/** Reads the packages of a `vendor/composer/installed.json` (Composer 1 and 2). */
function analyzeInstalledJson(file: CapturedFile): AnalyzerOutput {
  let document: unknown;
  try {
    document = JSON.parse(file.content.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    return { notes: [`not valid JSON (${error instanceof Error ? error.message : String(error)}): skipped`] };
  }
  const { list, dev } = packageList(document);
  if (!list) return { notes: ['neither a package array (Composer 1) nor an object with "packages" (Composer 2): skipped'] };
  const notes: string[] = [];
  const composerDir = parentOf(file.path);
  const packages = list.flatMap((item, index) => packageOf(item, index, composerDir, dev, notes) ?? []);
  return notes.length > 0 ? { packages, notes } : { packages };
}

/** PHP packages Composer installed, from `vendor/composer/installed.json`. */
export const composerAnalyzer: FileAnalyzer = {
  id: 'composer',
  version: 1,
  // descriptions, autoload maps and authors of hundreds of packages
  maxBytes: 64 * 1024 * 1024,
  required: (path: string, entry: FileEntry) => entry.type === 'file' && isInstalledJson(path),
  analyze: analyzeInstalledJson,
};
