import type { Diagnostic } from '../core/diagnostics.js';
import type { FoundPackage } from './model.js';
import type { OsInfo } from './os.js';

/** The layer a package (or file) came from, as people and SBOMs show it. */
export interface LayerRef {
  index: number;
  digest: string;
  diffId: string;
  createdBy: string | undefined;
}

/** A package of the image: what was found, where, and which layer introduced it. */
export interface Package extends FoundPackage {
  purl: string;
  /** The analyser that found it. */
  analyzer: string;
  /** The file that evidenced it (a package database, a package.json, a binary). */
  path: string;
  /** The first layer of the run of layers, ending with the image, in which this file listed this package. */
  layer: LayerRef;
}

/** A language package not reported because an OS package installed its files (they would be counted twice). */
export interface SuppressedPackage {
  package: Package;
  /** The OS package that owns its files. */
  ownedBy: string;
}

export interface Inventory {
  os: OsInfo | undefined;
  packages: Package[];
  suppressed: SuppressedPackage[];
  diagnostics: Diagnostic[];
}
