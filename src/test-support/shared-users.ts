import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Relative imports that exist at run time: statements starting a line (not text in a string), and
// import(). `import type` is erased, so it is left out.
const importPattern = /^[ \t]*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gm;

/** The file an import names: TypeScript sources are imported by their `.js` name. */
function resolveImport(from: string, specifier: string): string | undefined {
  const target = path.resolve(path.dirname(from), specifier);
  const candidates = /\.[cm]?js$/.test(target) ? [target.replace(/js$/, 'ts'), target] : [target, `${target}.ts`, path.join(target, 'index.ts')];
  return candidates.find((candidate) => statSync(candidate, { throwIfNoEntry: false })?.isFile() === true);
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(importPattern)) {
    const resolved = resolveImport(file, match[1] ?? match[2] ?? '');
    if (resolved !== undefined) found.push(resolved);
  }
  return found;
}

/**
 * The test files (`*.test.ts` below `dirs`, relative to `root`) that load `module`, directly or
 * through other modules of the repository: with `module` = src/test-support/shared.ts, the files
 * that read the shared data, which vitest.config.ts runs a second time without it.
 */
export function testFilesImporting(root: string, dirs: readonly string[], module: string): string[] {
  const tests = dirs.flatMap((dir) =>
    existsSync(path.join(root, dir))
      ? readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
          .filter((name) => name.endsWith('.test.ts'))
          .map((name) => path.join(dir, name))
      : [],
  );
  // Who imports whom, over everything the tests load; then back from the module to its importers.
  const importers = new Map<string, string[]>();
  const seen = new Set<string>();
  const queue = tests.map((test) => path.join(root, test));
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of importsOf(file)) {
      importers.set(imported, [...(importers.get(imported) ?? []), file]);
      queue.push(imported);
    }
  }
  const reaching = new Set([path.resolve(root, module)]);
  const back = [...reaching];
  for (let file = back.pop(); file !== undefined; file = back.pop()) {
    for (const importer of importers.get(file) ?? []) {
      if (reaching.has(importer)) continue;
      reaching.add(importer);
      back.push(importer);
    }
  }
  return tests.filter((test) => reaching.has(path.join(root, test))).sort();
}
