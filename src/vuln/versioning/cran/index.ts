import type { VersionScheme } from '../scheme.js';
import { compareCran } from './compare.js';
import { parseCran, type CranVersion } from './version.js';

export { type CranVersion } from './version.js';

/** CRAN (R `package_version`): `.`/`-`-separated numbers, the longer winning a tie. */
export const cranScheme: VersionScheme<CranVersion> = {
  id: 'cran',
  description: 'CRAN (R package_version) order: numbers separated by . or -, longer wins a tie',
  parse: parseCran,
  compare: compareCran,
};
