/**
 * The inventory model: what analysers find in files, and the packages an image is found to hold.
 */

/** Package ecosystems, named by their purl type. */
export type PackageType = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven' | 'gem' | 'composer' | 'cargo' | 'nuget';

/** A package as one analyser found it in one file, before attribution to a layer. */
export interface FoundPackage {
  type: PackageType;
  /** Name as the ecosystem writes it (`@scope/name` for npm, `artifactId` for maven, module path for Go). */
  name: string;
  version: string;
  /** purl namespace where the ecosystem has one that is not part of `name`: maven groupId. */
  namespace?: string | undefined;
  /** rpm epoch (0 or absent = none). */
  epoch?: number | undefined;
  /** rpm release; `version` holds only the rpm version then. */
  release?: string | undefined;
  arch?: string | undefined;
  /** The source package: deb `Source:`, rpm source rpm, apk origin. */
  source?: { name: string; version?: string | undefined } | undefined;
  /** Declared licenses, as written (SPDX ids or expressions where the ecosystem uses them). */
  licenses?: string[] | undefined;
  vendor?: string | undefined;
  /** rpm modularity label. */
  modularityLabel?: string | undefined;
  /**
   * Where inside the file the package is, when one file holds several: the folder of an npm package
   * is its path; for nested jars, `outer.jar!/inner.jar`. Absent when the file is the package.
   */
  location?: string | undefined;
  /** Ecosystem facts worth keeping: Go toolchain version, main module, checksums... */
  properties?: Record<string, string> | undefined;
}

/** Files an OS package manager says it installed, so they are not reported again as language packages. */
export interface OwnedFiles {
  /** The OS package (name) that owns them. */
  owner: string;
  /** Absolute paths in the image. */
  files: string[];
}

/** What an analyser found in one file. Plain JSON: it is cached per layer. */
export interface AnalyzerOutput {
  packages?: FoundPackage[] | undefined;
  ownedFiles?: OwnedFiles[] | undefined;
  /** Licenses a package's metadata file declares for it (Debian `copyright`), joined to the package by path. */
  declaredLicenses?: string[] | undefined;
  /** Key/value facts of an OS-identification file (os-release fields, a release file's text). */
  osFacts?: Record<string, string> | undefined;
  /** Non-fatal problems, e.g. "record 12 has no Version: skipped". Shown as diagnostics with layer and path. */
  notes?: string[] | undefined;
}
