/**
 * Decodes the dependency list cargo-auditable embeds in Rust binaries: the `.dep-v0` section holds
 * zlib-compressed JSON `{"packages":[{"name","version","source","kind","dependencies","root"}]}`
 * (schema: https://rustsec.org/schemas/cargo-auditable.json).
 */
import { inflateSync } from 'node:zlib';
import { isRecord } from '../../../core/records.js';

/** Decompressed JSON read at most; cargo-audit and rust-audit-info use the same 8 MiB limit. */
const MAX_AUDIT_JSON_BYTES = 8 * 1024 * 1024;

interface AuditablePackage {
  name: string;
  version: string;
  /** `crates.io`, `git`, `local`, `registry`, or another source's name. */
  source: string;
  /** `build` for build-time-only dependencies (build scripts, proc macros); else `runtime`. */
  kind: 'build' | 'runtime';
  root: boolean;
}

export interface AuditableResult {
  packages: AuditablePackage[];
  notes: string[];
}

/** Inflates and validates the section's bytes; bad packages are skipped with a note. */
export function decodeAuditData(compressed: Buffer): AuditableResult {
  let json: string;
  try {
    json = inflateSync(compressed, { maxOutputLength: MAX_AUDIT_JSON_BYTES }).toString('utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === 'ERR_BUFFER_TOO_LARGE' ? `inflates past ${MAX_AUDIT_JSON_BYTES} bytes` : 'is not valid zlib data';
    return { packages: [], notes: [`cargo-auditable data ${why}`] };
  }
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    return { packages: [], notes: ['cargo-auditable data is not valid JSON'] };
  }
  const list = isRecord(document) ? document.packages : undefined;
  if (!Array.isArray(list)) return { packages: [], notes: ['cargo-auditable data has no "packages" list'] };

  const packages: AuditablePackage[] = [];
  let bad = 0;
  for (const item of list as unknown[]) {
    const pkg = isRecord(item) ? packageOf(item) : undefined;
    if (pkg) packages.push(pkg);
    else bad++;
  }
  const notes = bad > 0 ? [`cargo-auditable data: ${bad} packages without a name and version skipped`] : [];
  return { packages, notes };
}

function packageOf(item: Record<string, unknown>): AuditablePackage | undefined {
  const { name, version, source, kind, root } = item;
  if (typeof name !== 'string' || name === '' || typeof version !== 'string' || version === '') return undefined;
  return {
    name,
    version,
    source: sourceName(source),
    kind: kind === 'build' ? 'build' : 'runtime',
    root: root === true,
  };
}

/** Sources serialise as strings; the schema also allows `{"Other": "name"}`. */
function sourceName(source: unknown): string {
  if (typeof source === 'string') return source;
  if (isRecord(source) && typeof source.Other === 'string') return source.Other;
  return '';
}
