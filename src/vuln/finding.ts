import type { Package } from '../inventory/inventory.js';
import type { Severity } from './severity.js';

/** One vulnerability of one package: an advisory group (aliases merged) that affects its version. */
export interface VulnerabilityFinding {
  /** The id shown: a CVE when the group has one, else a GHSA, else the advisory's own id. */
  id: string;
  /** Every other id of the group: the advisory ids (DSA-, GHSA-, PYSEC-...) and their aliases. */
  aliases: string[];
  summary: string | undefined;
  severity: Severity;
  package: Package;
  /** The advisory ecosystem and package name it was looked up by (`Debian:11` / source `openssl`). */
  ecosystem: string;
  lookupName: string;
  /** The version compared (a Debian package's source version). */
  installedVersion: string;
  /** The range that matched, as the advisory writes it: `ECOSYSTEM >=0 <1.1.1n-0+deb11u1`. */
  affectedRange: string;
  /** The version to upgrade to; undefined when no fix is known. */
  fixedVersion: string | undefined;
  how: 'range' | 'versions';
  references: string[];
  /** Stable across runs: same package, place and advisory group give the same fingerprint. */
  fingerprint: string;
}
