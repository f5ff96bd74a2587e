import type { Diagnostic } from '../core/diagnostics.js';
import { plural } from '../core/text.js';
import type { Inventory, Package } from '../inventory/inventory.js';
import { dumpName } from './advisories/seen.js';
import { lookupTarget } from './match/targets.js';

/** What the advisory database knows of the packages of one ecosystem (OS release or language) in an image. */
export interface EcosystemCoverage {
  /** The advisory ecosystem (`Debian:12`, `Alpine:v3.19`, `npm`), or the OS when it has no advisory source (`CentOS 7`). */
  ecosystem: string;
  kind: 'os' | 'language';
  /** The database holds advisories for it: its packages were checked. */
  covered: boolean;
  /** Advisories the database holds for it (withdrawn ones left out). */
  advisories: number;
  /** Packages of the image in it. */
  packages: number;
  /** Why its packages were not checked (undefined when covered). */
  reason: string | undefined;
  /** The command that fetches its advisories (undefined when covered, or when no source is known). */
  fix: string | undefined;
}

/**
 * Which of an image's packages the vulnerability scan could check. A package is checked when the
 * database holds advisories for its ecosystem; otherwise "no vulnerabilities" would only mean "no
 * data", so it is listed here and every output says so.
 */
export interface AdvisoryCoverage {
  /** Every package was checked. */
  complete: boolean;
  ecosystems: EcosystemCoverage[];
  /** The packages that were not checked. */
  notChecked: { purl: string; ecosystem: string }[];
}

/** What coverage needs of the advisory database. */
export interface AdvisoryCounts {
  /** Advisories held for an ecosystem, as OSV names it (`Debian:12`); withdrawn ones not counted. */
  advisoryCount(ecosystem: string): number;
}

/** Where one package's advisories would be, and what the report calls that place. */
function ecosystemOf(pkg: Package, inventory: Inventory): { label: string; kind: 'os' | 'language'; ecosystems: string[] } {
  const kind = pkg.type === 'deb' || pkg.type === 'apk' || pkg.type === 'rpm' ? 'os' : 'language';
  const target = lookupTarget(pkg, inventory.os);
  // Ubuntu is looked up as `Ubuntu:22.04:LTS` then `Ubuntu:22.04`: the report names the release
  if (target) return { label: target.ecosystems[target.ecosystems.length - 1] ?? '', kind, ecosystems: target.ecosystems };
  const os = inventory.os;
  const label = os ? `${os.distro?.name ?? os.name}${os.version ? ` ${os.version}` : ' (release not known)'}` : `${pkg.type} (OS not detected)`;
  return { label, kind, ecosystems: [] };
}

/** Coverage of an inventory by an advisory database. */
export function advisoryCoverage(inventory: Inventory, counts: AdvisoryCounts): AdvisoryCoverage {
  const byLabel = new Map<string, EcosystemCoverage & { purls: string[] }>();
  for (const pkg of inventory.packages) {
    const { label, kind, ecosystems } = ecosystemOf(pkg, inventory);
    let entry = byLabel.get(label);
    if (!entry) {
      const advisories = ecosystems.reduce((sum, ecosystem) => sum + counts.advisoryCount(ecosystem), 0);
      const covered = advisories > 0;
      entry = {
        ecosystem: label,
        kind,
        covered,
        advisories,
        packages: 0,
        reason: covered ? undefined : ecosystems.length > 0 ? `the advisory database holds no ${label} advisories` : noSourceReason(inventory),
        fix: covered || ecosystems.length === 0 ? undefined : `shipshape db update --ecosystem ${dumpName(label)}`,
        purls: [],
      };
      byLabel.set(label, entry);
    }
    entry.packages++;
    if (!entry.covered) entry.purls.push(pkg.purl);
  }
  const ecosystems = [...byLabel.values()].sort((a, b) => Number(a.covered) - Number(b.covered) || a.ecosystem.localeCompare(b.ecosystem));
  return {
    complete: ecosystems.every((e) => e.covered),
    ecosystems: ecosystems.map(({ purls: _purls, ...entry }) => entry),
    notChecked: ecosystems.flatMap((e) => e.purls.map((purl) => ({ purl, ecosystem: e.ecosystem }))),
  };
}

function noSourceReason(inventory: Inventory): string {
  const os = inventory.os;
  if (!os) return 'the OS could not be detected, so its packages cannot be looked up in any distribution’s advisories';
  if (!os.distro) return `Shipshape knows no advisory source for ${os.name}`;
  if (!os.version) return `the ${os.distro.name} release could not be read, so its advisories cannot be chosen`;
  return `Shipshape knows no advisory source for ${os.distro.name} ${os.version}`;
}

/** One sentence per ecosystem that was not checked: for warnings, tables and reports. */
export function coverageGaps(coverage: AdvisoryCoverage | undefined): string[] {
  if (!coverage) return [];
  return coverage.ecosystems
    .filter((e) => !e.covered)
    .map((e) => `${plural(e.packages, 'package')} of ${e.ecosystem} not checked: ${e.reason}${e.fix ? ` (${e.fix})` : ''}`);
}

/**
 * The diagnostics that mean packages were not read, or not decided: a package database or package
 * file an analyser could not read completely (`inventory.*`, e.g. a corrupt dpkg status or rpmdb),
 * and a version no advisory range could be compared with (`match.indeterminate`). Like packages
 * not checked, they are unknown, not clean: a gate does not pass on them.
 */
export function unreadPackages(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.level !== 'info' && (d.code.startsWith('inventory.') || d.code === 'match.indeterminate'));
}
