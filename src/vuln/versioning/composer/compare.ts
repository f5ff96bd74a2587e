import { NUMBER_WEIGHT, type ComposerComponent, type ComposerVersion } from './version.js';

function compareComponent(a: ComposerComponent, b: ComposerComponent): number {
  if (a.number !== undefined && b.number !== undefined) return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
  return a.weight < b.weight ? -1 : a.weight > b.weight ? 1 : 0;
}

/**
 * The rest of the longer version (from `start`) against `#`, as osv-scalibr compares it: word by
 * word by weight against `#`; a number there ties, and a number after that makes it greater.
 */
function compareRest(rest: readonly ComposerComponent[], start: number): number {
  for (let i = start; ; i++) {
    const c = rest[i] as ComposerComponent;
    if (c.weight !== NUMBER_WEIGHT) return c.weight < NUMBER_WEIGHT ? -1 : 1;
    const next = rest[i + 1];
    if (next === undefined) return 0;
    if (next.atoi) return 1;
  }
}

/**
 * osv-scalibr's Packagist order: numbers numerically, words by weight (`dev` < `alpha` < `beta` <
 * `RC` < `#` < `pl`), a number against a word as `#`. Past the shorter version, a number makes
 * the longer one greater (`1.0.0` > `1.0`); a word is weighed against `#` (`1.0-beta` < `1.0`).
 */
export function compareComposer(a: ComposerVersion, b: ComposerVersion): number {
  const ac = a.components;
  const bc = b.components;
  const n = Math.min(ac.length, bc.length);
  for (let i = 0; i < n; i++) {
    const c = compareComponent(ac[i] as ComposerComponent, bc[i] as ComposerComponent);
    if (c !== 0) return c;
  }
  if (ac.length > n) return (ac[n] as ComposerComponent).atoi ? 1 : compareRest(ac, n);
  if (bc.length > n) return (bc[n] as ComposerComponent).atoi ? -1 : -compareRest(bc, n);
  return 0;
}
