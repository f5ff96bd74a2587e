import { ownEntry } from '../../core/records.js';
import { apkScheme } from './apk/index.js';
import { cargoScheme } from './cargo/index.js';
import { composerScheme } from './composer/index.js';
import { cranScheme } from './cran/index.js';
import { debScheme } from './deb/index.js';
import { goScheme } from './go/index.js';
import { hackageScheme } from './hackage/index.js';
import { mavenScheme } from './maven/index.js';
import { npmScheme } from './npm/index.js';
import { nugetScheme } from './nuget/index.js';
import { pep440Scheme } from './pep440/index.js';
import { pubScheme } from './pub/index.js';
import { rpmScheme } from './rpm/index.js';
import { rubygemsScheme } from './rubygems/index.js';
import type { VersionScheme } from './scheme.js';
import { semverScheme } from './semver/index.js';

/** Every version scheme, in one explicit list (the CLI's `--scheme` choices are these ids). */
export const schemes: readonly VersionScheme[] = [
  debScheme,
  rpmScheme,
  apkScheme,
  semverScheme,
  npmScheme,
  goScheme,
  cargoScheme,
  pep440Scheme,
  mavenScheme,
  rubygemsScheme,
  nugetScheme,
  composerScheme,
  pubScheme,
  cranScheme,
  hackageScheme,
] as VersionScheme[];

export function schemeById(id: string): VersionScheme | undefined {
  return schemes.find((scheme) => scheme.id === id);
}

/** The scheme of each OSV ecosystem (by its base name, `Debian` of `Debian:11`). */
const ecosystemSchemes: Record<string, VersionScheme> = {
  Debian: debScheme,
  Ubuntu: debScheme,
  Alpine: apkScheme,
  Wolfi: apkScheme,
  Chainguard: apkScheme,
  'Red Hat': rpmScheme,
  'Rocky Linux': rpmScheme,
  AlmaLinux: rpmScheme,
  SUSE: rpmScheme,
  openSUSE: rpmScheme,
  'Photon OS': rpmScheme,
  Mariner: rpmScheme,
  'Azure Linux': rpmScheme,
  npm: npmScheme,
  PyPI: pep440Scheme,
  Go: goScheme,
  'crates.io': cargoScheme,
  Maven: mavenScheme,
  RubyGems: rubygemsScheme,
  NuGet: nugetScheme,
  Packagist: composerScheme,
  Pub: pubScheme,
  CRAN: cranScheme,
  Hackage: hackageScheme,
} as Record<string, VersionScheme>;

/**
 * The scheme a range is compared with: SEMVER ranges with SemVer 2.0.0 (whatever the ecosystem),
 * ECOSYSTEM ranges with the ecosystem's own scheme; none for GIT ranges or unknown ecosystems.
 */
export function schemeForRange(ecosystemBase: string, rangeType: string): VersionScheme | undefined {
  if (rangeType === 'SEMVER') return semverScheme as VersionScheme;
  if (rangeType === 'ECOSYSTEM') return ownEntry(ecosystemSchemes, ecosystemBase);
  return undefined;
}

export function schemeForEcosystem(ecosystemBase: string): VersionScheme | undefined {
  return ownEntry(ecosystemSchemes, ecosystemBase);
}
