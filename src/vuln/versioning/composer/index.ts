import type { VersionScheme } from '../scheme.js';
import { compareComposer } from './compare.js';
import { parseComposer, type ComposerVersion } from './version.js';

export { type ComposerVersion } from './version.js';

/**
 * Packagist / Composer: PHP's `version_compare` order as osv-scalibr implements it (a leading
 * `v`/`V` ignored). Where that differs from PHP itself: an unknown word (`1.0-foo`) weighs as
 * `dev` (PHP: below `dev`); `1..2` keeps an empty component (PHP collapses separators); a `#`
 * or other punctuation is a word (PHP: a separator), so `1.2.3.#` = `1.2.3` here.
 */
export const composerScheme: VersionScheme<ComposerVersion> = {
  id: 'composer',
  description: 'Packagist/Composer order (PHP version_compare, as osv-scalibr implements it)',
  parse: parseComposer,
  compare: compareComposer,
};
