import type { VersionScheme } from '../scheme.js';
import { comparePep440 } from './compare.js';
import { parsePep440, type Pep440Version } from './version.js';

export { comparePep440 } from './compare.js';
export { formatPep440, type Pep440Version } from './version.js';

/**
 * Python package versions, exactly as `packaging.version.Version` (26.2) reads and orders them
 * (PEP 440): epoch, release (trailing zeros insignificant), pre (`a`/`b`/`rc` and their spellings
 * `alpha`, `beta`, `c`, `pre`, `preview`), post (`.postN`, `-N`, `rev`, `r`), dev, local; any
 * separator `.`/`-`/`_` or none, implicit 0s, surrounding whitespace, a leading `v`. Legacy
 * versions that packaging rejects (`0.1-bulbasaur`, `2013-07-19T09:11:08+0000`) are errors.
 */
export const pep440Scheme: VersionScheme<Pep440Version> = {
  id: 'pep440',
  description: 'Python package versions: PEP 440, as packaging.version.Version',
  parse: parsePep440,
  compare: comparePep440,
};
