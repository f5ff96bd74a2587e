import type { CapturedFile, FileAnalyzer } from '../../analyzer.js';
import type { AnalyzerOutput, FoundPackage } from '../../model.js';
import { ELF_MAGIC, isExecutableFile } from '../elf/elf.js';
import { readBuildInfo } from './buildinfo.js';
import { parseModInfo } from './modinfo.js';
import type { GoModule } from './modinfo.js';
import { pushAll } from '../../../core/collections.js';

/** Build settings kept on the main module: platform, cgo, VCS stamp, and the flags that set versions. */
const KEPT_SETTINGS = /^(GO[A-Z0-9_]+|CGO_ENABLED|vcs(\..+)?|-tags|-ldflags|-buildmode|-compiler|-trimpath|DefaultGODEBUG)$/;
const MAX_SETTING_CHARS = 2048;
/** Modules reported at most per binary: large programs have about a thousand. */
const MAX_MODULES = 20_000;

/**
 * Go binaries: the modules compiled in, read from the build info the Go linker embeds (ELF only,
 * which is what container images run). One package per module (a replaced module is reported as
 * its replacement, as Trivy and Syft do, with `properties.replaces`), the main module with
 * `properties.main`, and the toolchain's standard library as `stdlib` (`properties.stdlib`) so Go
 * vulnerabilities can be matched; its version is the toolchain's with a `v`, like module versions.
 */
export const goBinaryAnalyzer: FileAnalyzer = {
  id: 'golang',
  version: 1,
  maxBytes: 512 * 1024 * 1024,
  magic: ELF_MAGIC,
  required: (_path, entry) => isExecutableFile(entry),
  analyze: (file: CapturedFile): AnalyzerOutput => analyzeGoBinary(file.content),
};

function analyzeGoBinary(content: Buffer): AnalyzerOutput {
  const { info, notes } = readBuildInfo(content);
  if (!info) return notes.length > 0 ? { notes } : {};
  const mod = parseModInfo(info.modinfo);
  pushAll(notes, mod.notes);
  const goVersion = info.goVersion;
  const packages: FoundPackage[] = [];

  if (mod.main && mod.main.path !== '') {
    const properties: Record<string, string> = { main: 'true', goVersion };
    if (mod.main.sum) properties.sum = mod.main.sum;
    if (mod.path) properties.path = mod.path;
    for (const [key, value] of mod.settings) {
      if (KEPT_SETTINGS.test(key)) properties[`build.${key}`] = value.slice(0, MAX_SETTING_CHARS);
    }
    packages.push({ type: 'golang', name: mod.main.path, version: mod.main.version, properties });
  }

  if (mod.deps.length > MAX_MODULES) notes.push(`Go module info lists ${mod.deps.length} modules: only the first ${MAX_MODULES} are reported`);
  for (const dep of mod.deps.slice(0, MAX_MODULES)) {
    // Old toolchains could list the main module as a dep with no path: nothing to report.
    if (dep.path === '') continue;
    packages.push(modulePackage(dep, goVersion));
  }

  const stdlib = stdlibVersion(goVersion);
  if (stdlib) packages.push({ type: 'golang', name: 'stdlib', version: stdlib, properties: { stdlib: 'true', goVersion } });
  else notes.push(`Go toolchain version "${goVersion}" is not a release: no stdlib package`);

  return notes.length > 0 ? { packages, notes } : { packages };
}

function modulePackage(dep: GoModule, goVersion: string): FoundPackage {
  const module = dep.replace ?? dep;
  const properties: Record<string, string> = { goVersion };
  if (module.sum) properties.sum = module.sum;
  if (dep.replace) {
    properties.replaces = dep.path;
    if (dep.version) properties.replacesVersion = dep.version;
  }
  return { type: 'golang', name: module.path, version: module.version, properties };
}

/** `go1.22.3 X:boringcrypto` → `v1.22.3`; `go1.21rc2` → `v1.21rc2`; `devel go1.23-abc...` → none. */
export function stdlibVersion(goVersion: string): string | undefined {
  const match = /^go(\d+(?:\.\d+)*[-+.\w]*)/.exec(goVersion);
  return match ? `v${match[1] ?? ''}` : undefined;
}
