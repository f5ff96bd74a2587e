import type { VersionScheme } from '../scheme.js';
import { comparePub } from './compare.js';
import { parsePub, type PubVersion } from './version.js';

export { type PubVersion } from './version.js';

/** Pub (Dart): SemVer-like, in osv-scalibr's order (build metadata compared as a string). */
export const pubScheme: VersionScheme<PubVersion> = {
  id: 'pub',
  description: 'Pub (Dart) order as osv-scalibr implements it: SemVer precedence, then build as text',
  parse: parsePub,
  compare: comparePub,
};
