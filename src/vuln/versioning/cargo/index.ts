import type { VersionScheme } from '../scheme.js';
import { compareSemver, parseSemver, type SemverVersion } from '../semver/index.js';

/** The largest major/minor/patch Cargo's `semver` crate holds (`u64`). */
const CARGO_MAX_NUMBER = 18446744073709551615n;

/**
 * crates.io versions: SemVer 2.0.0, as Cargo's `semver` crate parses them. Stricter than
 * the `semver` scheme: no leading `v` (`Version::parse("v1.0.0")` fails) and major/minor/patch
 * within `u64`; pre-release numbers have no limit there either. Precedence ignores build metadata,
 * as SemVer and `VersionReq::matches` do (the crate's `Ord` breaks ties on build only for a
 * deterministic sort; crates.io does not publish two versions differing only in build).
 */
export const cargoScheme: VersionScheme<SemverVersion> = {
  id: 'cargo',
  description: 'crates.io versions: SemVer 2.0.0 as the Rust semver crate parses it (no "v", u64 numbers)',
  parse: (raw) => parseSemver(raw, { allowV: false, maxCore: CARGO_MAX_NUMBER }),
  compare: compareSemver,
};
