import { RELEASE_RANK, type MavenToken, type MavenVersion } from './version.js';

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Two tokens: by class, then rank, then text (see {@link MavenToken}). */
function compareTokens(a: MavenToken, b: MavenToken): number {
  if (a.cls !== b.cls) return a.cls < b.cls ? -1 : 1;
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
}

/**
 * A token against the "null" the shorter version is padded with (`0` after a `.`, `""` after a
 * `-`): a `.` number by its value; a `-` number is always more; a qualifier by its rank against the
 * release's, so `sp` and unknown qualifiers are more and `alpha`…`snapshot` less.
 */
function compareToNull(t: MavenToken): number {
  switch (t.cls) {
    case 3:
      return t.text === '0' ? 0 : 1;
    case 2:
      return 1;
    default:
      return sign(t.rank - RELEASE_RANK);
  }
}

/** Maven order: token by token, the shorter version padded with nulls. */
export function compareMaven(a: MavenVersion, b: MavenVersion): number {
  const at = a.tokens;
  const bt = b.tokens;
  const n = Math.max(at.length, bt.length);
  for (let i = 0; i < n; i++) {
    const x = at[i];
    const y = bt[i];
    const c = x === undefined ? (y === undefined ? 0 : -compareToNull(y)) : y === undefined ? compareToNull(x) : compareTokens(x, y);
    if (c !== 0) return c;
  }
  return 0;
}
