import { invalid, type ParseResult, type VersionScheme } from '../scheme.js';
import { compareSemver, parseSemver, type SemverVersion } from '../semver/index.js';

/** A Go module or toolchain version, held as its SemVer form (`go1.21rc2` as `v1.21.0-rc.2`). */
export type GoVersion = SemverVersion;

// A toolchain pre-release (`go1.21rc2`, `1.21rc2`, `v1.21rc2`): a Go release tag, not SemVer.
const TOOLCHAIN_PRERELEASE = /^(\d+)\.(\d+)(beta|rc)(\d+)$/;
// A toolchain release tag after `go`: `go1`, `go1.20`, `go1.21.3`. No SemVer suffixes.
const TOOLCHAIN_RELEASE = /^\d+(?:\.\d+){0,2}$/;
// x/mod/semver's shorthands: `v1` is `v1.0.0`, `v1.2` is `v1.2.0`, only without pre-release/build.
const SHORTHAND = /^\d+(?:\.\d+)?$/;

function padToThree(numbers: string): string {
  const parts = numbers.split('.').length;
  return parts === 1 ? `${numbers}.0.0` : parts === 2 ? `${numbers}.0` : numbers;
}

/**
 * Rewrites a Go version to the SemVer text x/mod/semver would see, or `undefined`:
 * - `v1.2.3`, and `1.2.3` without the `v` (OSV's Go records omit it; golang/vuln's
 *   `CanonicalizeSemverPrefix` adds it back the same way);
 * - `v1`, `v1.2` (x/mod/semver shorthands, also without `v`, so OSV's `introduced: "0"` reads);
 * - toolchain tags for the `stdlib`/`toolchain` pseudo-modules, as golang/vuln's `GoTagToSemver`
 *   writes them in OSV: `go1.21.3` → `1.21.3`, `go1.20` → `1.20.0`, `go1` → `1.0.0`,
 *   `go1.21rc2` → `1.21.0-rc.2`, `go1.9beta1` → `1.9.0-beta.1`. So `go1.21` is `1.21.0`, not the
 *   language version that cmd/go's gover sorts before `go1.21rc1`: a built binary records
 *   `go1.21.0`, and vulnerability data speaks of releases.
 */
function toSemverText(raw: string): string | undefined {
  const prefix = raw.startsWith('go') ? 'go' : raw.startsWith('v') ? 'v' : '';
  const rest = raw.slice(prefix.length);
  const pre = TOOLCHAIN_PRERELEASE.exec(rest);
  if (pre !== null) return `${pre[1]}.${pre[2]}.0-${pre[3]}.${pre[4]}`;
  if (prefix === 'go') return TOOLCHAIN_RELEASE.test(rest) ? padToThree(rest) : undefined;
  return SHORTHAND.test(rest) ? padToThree(rest) : rest;
}

/** Parses a Go module or toolchain version (see {@link goScheme}). Never throws. */
function parseGoVersion(raw: string): ParseResult<GoVersion> {
  const text = toSemverText(raw);
  if (text === undefined) return invalid(`not a Go toolchain version: ${JSON.stringify(raw)}`);
  const parsed = parseSemver(text, { allowV: false });
  return parsed.ok ? parsed : invalid(`not a Go module version: ${JSON.stringify(raw)}`);
}

/** x/mod/semver's `Canonical`: `v`, three numbers, the pre-release; build metadata dropped. */
export function formatGoVersion(v: GoVersion): string {
  const pre = v.prerelease.length > 0 ? `-${v.prerelease.join('.')}` : '';
  return `v${v.major}.${v.minor}.${v.patch}${pre}`;
}

/**
 * Go module versions, ordered as golang.org/x/mod/semver's `Compare`: SemVer 2.0.0 precedence with
 * numbers of any size, build metadata ignored (so `v2.0.0+incompatible` equals `v2.0.0`), and
 * pseudo-versions ordered by their pre-release text (`v0.0.0-20210101000000-abcdef123456`,
 * `v1.2.3-pre.0.20210101000000-abcdef123456`, `v1.2.4-0.20210101000000-abcdef123456`: each after
 * the version it builds on, before the next). Also reads versions without `v`, shorthands and Go
 * toolchain tags (see `toSemverText`). Where x/mod/semver sorts an invalid version before all valid
 * ones, this gives an error.
 */
export const goScheme: VersionScheme<GoVersion> = {
  id: 'go',
  description: 'Go module versions (golang.org/x/mod/semver), "v" optional; Go toolchain tags (go1.21rc2)',
  parse: parseGoVersion,
  compare: compareSemver,
};
