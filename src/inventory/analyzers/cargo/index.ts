import type { CapturedFile, FileAnalyzer } from '../../analyzer.js';
import type { AnalyzerOutput, FoundPackage } from '../../model.js';
import { ELF_MAGIC, findSection, isExecutableFile, parseElf, sectionBytes } from '../elf/elf.js';
import { decodeAuditData } from './auditable.js';

/** Crates reported at most per binary: large programs have about a thousand. */
const MAX_CRATES = 20_000;

/** The section cargo-auditable adds to ELF binaries. */
const AUDITABLE_SECTION = '.dep-v0';

/**
 * Rust binaries built with cargo-auditable: one `cargo` package per crate compiled in, read from the
 * `.dep-v0` section (`properties.root` marks the crate the binary was built from,
 * `properties.source` where crates came from). Build-time-only crates (build scripts, proc macros)
 * are left out, as Trivy does: their code is not in the binary.
 */
export const cargoAuditableAnalyzer: FileAnalyzer = {
  id: 'cargo',
  version: 1,
  maxBytes: 512 * 1024 * 1024,
  magic: ELF_MAGIC,
  required: (_path, entry) => isExecutableFile(entry),
  analyze: (file: CapturedFile): AnalyzerOutput => analyzeRustBinary(file.content),
};

function analyzeRustBinary(content: Buffer): AnalyzerOutput {
  const elf = parseElf(content);
  // Not an ELF we can read, or no section headers: cargo-auditable data is only found by section.
  if (typeof elf === 'string') return {};
  const section = findSection(elf, AUDITABLE_SECTION);
  if (!section) return {};
  const bytes = sectionBytes(content, section);
  if (typeof bytes === 'string') return { notes: [bytes] };

  const decoded = decodeAuditData(bytes);
  if (decoded.packages.length > MAX_CRATES)
    decoded.notes.push(`cargo-auditable data lists ${decoded.packages.length} crates: only the first ${MAX_CRATES} are reported`);
  const packages: FoundPackage[] = [];
  for (const pkg of decoded.packages.slice(0, MAX_CRATES)) {
    if (pkg.kind === 'build') continue;
    const properties: Record<string, string> = {};
    if (pkg.source) properties.source = pkg.source;
    if (pkg.root) properties.root = 'true';
    packages.push({ type: 'cargo', name: pkg.name, version: pkg.version, properties });
  }
  const output: AnalyzerOutput = { packages };
  if (decoded.notes.length > 0) output.notes = decoded.notes;
  return output;
}
