import type { VersionScheme } from '../scheme.js';
import { compareGem } from './compare.js';
import { parseGem, type GemVersion } from './version.js';

export { type GemVersion } from './version.js';

/** RubyGems (`Gem::Version` order, RubyGems 3.3); the empty string is an error, not `0`. */
export const rubygemsScheme: VersionScheme<GemVersion> = {
  id: 'rubygems',
  description: 'RubyGems Gem::Version order (letter segments are pre-releases)',
  parse: parseGem,
  compare: compareGem,
};
