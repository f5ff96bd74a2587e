import type { Package } from '../../inventory/inventory.js';
import type { OsInfo } from '../../inventory/os.js';

/** How one package is looked up in the advisory database. */
export interface LookupTarget {
  /** OSV ecosystems to query, most specific first (`Ubuntu:22.04:LTS`, `Ubuntu:22.04`). */
  ecosystems: string[];
  name: string;
  version: string;
}

/** The OSV ecosystem name of each language package type. */
const languageEcosystems: Partial<Record<Package['type'], string>> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
  gem: 'RubyGems',
  composer: 'Packagist',
  cargo: 'crates.io',
  nuget: 'NuGet',
};

/**
 * Where a package's advisories are. OS packages are looked up only in their distro's own advisories
 * (backported fixes make upstream versions misleading), by what the distro keys them by: Debian and
 * Ubuntu by source package and source version, Alpine by origin, rpm distros by package name and
 * full epoch:version-release. Language packages by their ecosystem's name for them.
 */
export function lookupTarget(pkg: Package, os: OsInfo | undefined): LookupTarget | undefined {
  if (pkg.type === 'deb' || pkg.type === 'apk' || pkg.type === 'rpm') {
    const ecosystem = os?.distro?.advisoryEcosystem(os.version);
    if (!ecosystem) return undefined;
    const ecosystems = os?.distro?.id === 'ubuntu' ? [`${ecosystem}:LTS`, ecosystem] : [ecosystem];
    if (pkg.type === 'deb') return { ecosystems, name: pkg.source?.name ?? pkg.name, version: pkg.source?.version ?? pkg.version };
    if (pkg.type === 'apk') return { ecosystems, name: pkg.source?.name ?? pkg.name, version: pkg.version };
    const evr = `${pkg.epoch ? `${pkg.epoch}:` : ''}${pkg.version}${pkg.release ? `-${pkg.release}` : ''}`;
    // CBL-Mariner / Azure Linux publish advisories per source rpm; the others per binary package
    const bySource = os?.distro?.id === 'cbl-mariner' || os?.distro?.id === 'azurelinux';
    return { ecosystems, name: bySource && pkg.source ? pkg.source.name : pkg.name, version: evr };
  }
  const ecosystem = languageEcosystems[pkg.type];
  if (!ecosystem) return undefined;
  const name =
    pkg.type === 'maven' && pkg.namespace
      ? `${pkg.namespace}:${pkg.name}`
      : pkg.type === 'composer' && pkg.namespace
        ? `${pkg.namespace}/${pkg.name}`
        : pkg.name;
  return { ecosystems: [ecosystem], name, version: pkg.version };
}
