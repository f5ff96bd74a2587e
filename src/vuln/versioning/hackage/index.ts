import type { VersionScheme } from '../scheme.js';
import { compareHackage } from './compare.js';
import { parseHackage, type HackageVersion } from './version.js';

export { type HackageVersion } from './version.js';

/** Hackage (Cabal `Version`): `.`-separated numbers in list order, the longer winning a tie. */
export const hackageScheme: VersionScheme<HackageVersion> = {
  id: 'hackage',
  description: 'Hackage (Cabal) order: dot-separated numbers compared as lists',
  parse: parseHackage,
  compare: compareHackage,
};
