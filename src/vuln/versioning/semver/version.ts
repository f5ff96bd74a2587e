import { exactInteger, invalid, ok, type ParseResult } from '../scheme.js';

/**
 * A numeric identifier. SemVer 2.0.0 sets no size limit, so a number beyond 2^53 - 1 is kept exact
 * as a bigint; JavaScript's relational operators compare number and bigint exactly, so the hot
 * path needs no conversion.
 */
export type SemverNumber = number | bigint;

/** A pre-release identifier: numeric (compared numerically) or alphanumeric (compared in ASCII order). */
export type SemverIdentifier = SemverNumber | string;

/** A parsed SemVer 2.0.0 version, compact for {@link compareSemver}. */
export interface SemverVersion {
  readonly major: SemverNumber;
  readonly minor: SemverNumber;
  readonly patch: SemverNumber;
  /** Empty for a release. */
  readonly prerelease: readonly SemverIdentifier[];
  /** Kept for display; ignored by precedence (§10). */
  readonly build: readonly string[];
}

/** How strict {@link parseSemver} is beyond the SemVer 2.0.0 grammar. */
export interface SemverParseOptions {
  /** Accept one leading lowercase `v` (`v1.2.3`), as node-semver and OSV data do. */
  readonly allowV: boolean;
  /** Largest major/minor/patch accepted (Cargo's `semver` crate stores them as u64); none when absent. */
  readonly maxCore?: bigint;
}

// semver.org's own regular expression (§ "Is there a suggested regular expression"), with an optional `v`.
const SEMVER =
  /^(v?)(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const DIGITS = /^\d+$/;

/** Parses a strict SemVer 2.0.0 version (semver.org §2, §9, §10). Never throws. */
export function parseSemver(raw: string, options: SemverParseOptions): ParseResult<SemverVersion> {
  const m = SEMVER.exec(raw);
  if (m === null) return invalid(`not a SemVer 2.0.0 version: ${JSON.stringify(raw)}`);
  const [, v = '', major = '', minor = '', patch = '', pre, build] = m;
  if (v !== '' && !options.allowV) return invalid(`a leading "v" is not allowed: ${JSON.stringify(raw)}`);
  const core = [exactInteger(major), exactInteger(minor), exactInteger(patch)] as const;
  const max = options.maxCore;
  if (max !== undefined && core.some((n) => n > max)) {
    return invalid(`a major/minor/patch number exceeds ${max}: ${JSON.stringify(raw)}`);
  }
  return ok({
    major: core[0],
    minor: core[1],
    patch: core[2],
    prerelease: pre === undefined ? [] : pre.split('.').map((id) => (DIGITS.test(id) ? exactInteger(id) : id)),
    build: build === undefined ? [] : build.split('.'),
  });
}

/** The version written canonically: no `v`, numbers without leading zeros, build kept. */
export function formatSemver(v: SemverVersion): string {
  const pre = v.prerelease.length > 0 ? `-${v.prerelease.join('.')}` : '';
  const build = v.build.length > 0 ? `+${v.build.join('.')}` : '';
  return `${v.major}.${v.minor}.${v.patch}${pre}${build}`;
}
