import type { CapturedFile, FileAnalyzer } from '../../analyzer.js';
import type { AnalyzerOutput, FoundPackage } from '../../model.js';
import { baseName, type FileEntry } from '../../../image/layer/entry.js';

const suffix = '.deps.json';

/** Whether a path is a .NET dependency manifest (`<app>.deps.json`, written by `dotnet publish` beside the app). */
function isDepsJson(path: string): boolean {
  return path.endsWith(suffix) && baseName(path).length > suffix.length;
}

/**
 * The NuGet packages of a `.deps.json`: its `libraries` entries of `"type": "package"`, keyed
 * `<name>/<version>`. Projects (the app and its project references) are the app itself; runtime
 * packs and reference assemblies are not NuGet dependencies.
 */
function analyzeDepsJson(file: CapturedFile): AnalyzerOutput {
  let document: unknown;
  try {
    document = JSON.parse(file.content.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    return { notes: [`not valid JSON (${error instanceof Error ? error.message : String(error)}): skipped`] };
  }
  const libraries = typeof document === 'object' && document !== null ? (document as Record<string, unknown>).libraries : undefined;
  if (typeof libraries !== 'object' || libraries === null || Array.isArray(libraries)) {
    return { notes: ['no "libraries" object: skipped'] };
  }
  const packages: FoundPackage[] = [];
  const notes: string[] = [];
  for (const [key, library] of Object.entries(libraries)) {
    if (typeof library !== 'object' || library === null) {
      notes.push(`library ${key} is not an object: skipped`);
      continue;
    }
    const { type, sha512 } = library as Record<string, unknown>;
    if (type !== 'package') continue;
    // NuGet versions never hold a `/`, so the last one separates name and version
    const slash = key.lastIndexOf('/');
    if (slash <= 0 || slash === key.length - 1) {
      notes.push(`library key ${JSON.stringify(key)} is not <name>/<version>: skipped`);
      continue;
    }
    const found: FoundPackage = { type: 'nuget', name: key.slice(0, slash), version: key.slice(slash + 1) };
    if (typeof sha512 === 'string' && sha512 !== '') found.properties = { sha512 };
    packages.push(found);
  }
  return notes.length > 0 ? { packages, notes } : { packages };
}

/** NuGet packages of published .NET apps, from their `*.deps.json`. */
export const dotnetAnalyzer: FileAnalyzer = {
  id: 'dotnet',
  version: 1,
  // large apps list thousands of assets per package
  maxBytes: 64 * 1024 * 1024,
  required: (path: string, entry: FileEntry) => entry.type === 'file' && isDepsJson(path),
  analyze: analyzeDepsJson,
};
