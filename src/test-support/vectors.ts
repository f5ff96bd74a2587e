import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { compareVersions, type VersionScheme } from '../vuln/versioning/scheme.js';
import { sharedPath } from './shared.js';

/** One `left<TAB>op<TAB>right[<TAB>extra]` line of a shared/vectors pairs file. */
export interface VectorPair {
  left: string;
  op: '<' | '=' | '>';
  right: string;
  extra: string | undefined;
  line: number;
}

/** The pairs of `shared/vectors/<scheme>/<file>`; empty when the file is absent. */
export function loadPairs(scheme: string, file = 'pairs.tsv'): VectorPair[] {
  const path = sharedPath('vectors', scheme, file);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((text, index) => ({ text, line: index + 1 }))
    .filter(({ text }) => text !== '')
    .map(({ text, line }) => {
      const [left = '', op = '', right = '', extra] = text.split('\t');
      if (op !== '<' && op !== '=' && op !== '>') throw new Error(`${scheme}/${file}:${line}: bad operator ${JSON.stringify(op)}`);
      return { left, op, right, extra, line };
    });
}

/** One version a line of `invalid.txt` / `valid.txt`. */
export function loadList(scheme: string, file: string): string[] {
  const path = sharedPath('vectors', scheme, file);
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : [];
}

/**
 * Checks every pair with the scheme, in both directions (a < b implies b > a), and reports all
 * disagreements at once, with line numbers, instead of stopping at the first.
 */
export function expectPairs(scheme: VersionScheme, pairs: readonly VectorPair[], where: string): void {
  const flip = { '<': '>', '>': '<', '=': '=' } as const;
  const failures: string[] = [];
  for (const pair of pairs) {
    const forward = compareVersions(scheme, pair.left, pair.right);
    const backward = compareVersions(scheme, pair.right, pair.left);
    if (forward.op !== pair.op || backward.op !== flip[pair.op]) {
      failures.push(
        `${where}:${pair.line}: ${pair.left} ${pair.op} ${pair.right}, got ${forward.op}/${backward.op}${'reason' in forward ? ` (${forward.reason})` : ''}`,
      );
    }
  }
  expect(failures.slice(0, 20), `${failures.length} of ${pairs.length} pairs disagree`).toEqual([]);
}
