import { Range, SemVer } from 'semver';
import { invalid, ok, type ParseResult, type VersionScheme } from '../scheme.js';

/** The node-semver options this module uses: `loose` parsing, `includePrerelease` for ranges. */
export interface NpmOptions {
  readonly loose?: boolean;
  readonly includePrerelease?: boolean;
}

/**
 * The options {@link npmScheme} parses with: `loose`, as npm itself reads an installed
 * `package.json` (normalize-package-data validates and cleans `version` with `loose` unless
 * strict), so `v1.2.3`, `=1.2.3`, ` 1.2.3 `, `1.2.3beta` and leading zeros parse as npm does.
 */
const NPM_PARSE_OPTIONS: NpmOptions = Object.freeze({ loose: true });

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Parses with node-semver, turning its exceptions into an error result. */
export function parseNpmVersion(raw: string, options: NpmOptions = NPM_PARSE_OPTIONS): ParseResult<SemVer> {
  try {
    return ok(new SemVer(raw, options));
  } catch (error) {
    return invalid(`node-semver: ${message(error)}`);
  }
}

/**
 * npm versions, ordered by node-semver itself (`SemVer#compare`: SemVer 2.0.0 precedence, build
 * ignored). node-semver's limits apply: numbers above 2^53 - 1 and versions longer than 256
 * characters are errors.
 */
export const npmScheme: VersionScheme<SemVer> = {
  id: 'npm',
  description: 'npm package versions: node-semver (loose parsing, as npm reads package.json)',
  parse: (raw) => parseNpmVersion(raw),
  compare: (a, b) => a.compare(b),
};

/**
 * Whether `version` satisfies the npm `range` (`^1.2.3`, `1.x || >=2.5.0 <3`, `1.0.0 - 2.0.0`...),
 * with node-semver's own `Range#test`. Where `semver.satisfies` answers `false` for an invalid
 * range or version, this answers an error: an advisory range nobody can read is not a "no".
 * The options are node-semver's, defaulting to its defaults (strict, pre-releases excluded unless
 * the range names one on the same major.minor.patch); a version already parsed by
 * {@link npmScheme} can be passed as it is.
 */
export function satisfiesRange(range: string, version: string | SemVer, options: NpmOptions = {}): ParseResult<boolean> {
  let parsedRange: Range;
  try {
    parsedRange = new Range(range, options);
  } catch (error) {
    return invalid(`range: node-semver: ${message(error)}`);
  }
  let parsedVersion = version;
  if (typeof parsedVersion === 'string') {
    const result = parseNpmVersion(parsedVersion, options);
    if (!result.ok) return invalid(`version: ${result.error}`);
    parsedVersion = result.value;
  }
  return ok(parsedRange.test(parsedVersion));
}
