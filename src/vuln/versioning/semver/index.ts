import type { VersionScheme } from '../scheme.js';
import { compareSemver } from './compare.js';
import { parseSemver, type SemverVersion } from './version.js';

export { compareSemver } from './compare.js';
export { formatSemver, parseSemver, type SemverVersion } from './version.js';

/**
 * Strict SemVer 2.0.0 (OSV's `SEMVER` range type). Choices where the spec and the tools differ:
 * - numbers have no size limit (the spec sets none; osv-scalibr compares them as big integers),
 *   where node-semver rejects anything above 2^53 - 1: `999999999999999999999999999991 <
 *   999999999999999999999999999999` is an order here, not an error;
 * - one leading lowercase `v` is accepted (node-semver does, osv-scalibr does, and OSV records
 *   carry it); no other looseness (no `=`, spaces, leading zeros, missing parts: a bare
 *   `999999999999999999999999999991` is an error);
 * - more than three release numbers (`1.1.3.4.5`) is an error: osv-scalibr reads the extra ones
 *   as build metadata, a guess SemVer does not allow.
 */
export const semverScheme: VersionScheme<SemverVersion> = {
  id: 'semver',
  description: 'SemVer 2.0.0 precedence (OSV SEMVER ranges); optional leading "v", no size limit',
  parse: (raw) => parseSemver(raw, { allowV: true }),
  compare: compareSemver,
};
