import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { int, pick, type Rng } from '../../../test-support/random.js';

export { random } from '../../../test-support/random.js';

function digits(rng: Rng): string {
  const roll = rng();
  if (roll < 0.08) return '0'.repeat(1 + int(rng, 3)) + String(int(rng, 100));
  if (roll < 0.14) return Array.from({ length: 16 + int(rng, 30) }, () => String(int(rng, 10))).join('');
  return String(int(rng, roll < 0.7 ? 10 : 1000));
}

const words = ['a', 'b', 'z', 'A', 'Z', 'rc', 'git', 'dfsg', 'nmu', 'ubuntu', 'deb', 'pre', 'build', 'bpo', 'really'];

/** Upstream or revision text: digit runs, words and separators, as real Debian versions mix them. */
function text(rng: Rng, separators: readonly string[], parts: number): string {
  let out = digits(rng);
  for (let i = 0; i < parts; i++) {
    const roll = rng();
    if (roll < 0.45) out += pick(rng, separators) + digits(rng);
    else if (roll < 0.7) out += pick(rng, words) + (rng() < 0.5 ? digits(rng) : '');
    else if (roll < 0.85) out += '~' + pick(rng, words) + (rng() < 0.6 ? digits(rng) : '');
    else out += pick(rng, separators) + pick(rng, words);
  }
  return out;
}

/** A random Debian version dpkg accepts: optional epoch, upstream (maybe with `:` and `-`), optional revision. */
export function debVersion(rng: Rng): string {
  const epoch = rng() < 0.25 ? `${pick(rng, ['0', '1', '2', '00', '7', '2147483647', String(int(rng, 100))])}:` : '';
  const upstream = text(rng, epoch ? ['.', '+', '.', '-', ':'] : ['.', '+', '.', '-'], int(rng, 5));
  const revision = upstream.includes('-') || rng() < 0.6 ? `-${text(rng, ['.', '+'], int(rng, 3))}` : '';
  return `${epoch}${upstream}${revision}`;
}

/** A small edit of a version, so that pairs are close (equal, or differing late) as well as far apart. */
export function nearby(rng: Rng, version: string): string {
  switch (int(rng, 9)) {
    case 0:
      return version.replace(/\d+/, (run) => `0${run}`);
    case 1:
      return version.replace(/(\d+)(?!.*\d)/, (run) => String(BigInt(run) + 1n));
    case 2:
      return `${version}~${pick(rng, words)}`;
    case 3:
      return `${version}+${pick(rng, words)}1`;
    case 4:
      return version.includes(':') ? version.replace(/^\d+:/, '') : `0:${version}`;
    case 5:
      return version.includes('-') ? `${version}.0` : `${version}-0`;
    case 6:
      return version.replace(/[a-z]/, (c) => c.toUpperCase());
    case 7:
      return version.slice(0, Math.max(1, version.length - 1 - int(rng, 3)));
    default:
      return version;
  }
}

export type Op = '<' | '=' | '>';
const dpkgOp = { '<': 'lt', '=': 'eq', '>': 'gt' } as const;

/**
 * Asks the real dpkg whether `left op right` holds, for every triple: one `dpkg --compare-versions`
 * per triple, in two bash loops (two cores), strings passed NUL-separated so any byte but NUL survives.
 * Returns dpkg's exit status for each (0 true, 1 false, 2 syntax error).
 */
export async function askDpkg(triples: ReadonlyArray<readonly [string, Op, string]>): Promise<number[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-dpkg-'));
  try {
    const half = Math.ceil(triples.length / 2);
    const chunks = [triples.slice(0, half), triples.slice(half)];
    const script =
      'while IFS= read -r -d "" a && IFS= read -r -d "" op && IFS= read -r -d "" b; do dpkg --compare-versions -- "$a" "$op" "$b" 2>/dev/null; echo $?; done < "$1"';
    const outputs = await Promise.all(
      chunks.map(async (chunk, index) => {
        const file = path.join(dir, `pairs-${index}`);
        writeFileSync(file, chunk.map(([a, op, b]) => `${a}\0${dpkgOp[op]}\0${b}\0`).join(''));
        const { stdout } = await promisify(execFile)('bash', ['-c', script, 'bash', file], { maxBuffer: 1 << 24 });
        return stdout
          .split('\n')
          .filter((line) => line !== '')
          .map(Number);
      }),
    );
    return outputs.flat();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether dpkg takes each string silently (no error, no warning): `eq` against itself, stderr captured. */
export async function dpkgAccepts(versions: readonly string[]): Promise<boolean[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-dpkg-'));
  try {
    const file = path.join(dir, 'versions');
    writeFileSync(file, versions.map((v) => `${v}\0`).join(''));
    const script = 'while IFS= read -r -d "" v; do err=$(dpkg --compare-versions -- "$v" eq "$v" 2>&1); echo "$?:${#err}"; done < "$1"';
    const { stdout } = await promisify(execFile)('bash', ['-c', script, 'bash', file], { maxBuffer: 1 << 24 });
    return stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line === '0:0');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** verrevcmp as lib/dpkg/version.c writes it, character by character: the reference for the sort keys. */
export function verrevcmp(a: string, b: string): number {
  const isDigit = (c: number) => c >= 48 && c <= 57;
  const order = (c: number) => (Number.isNaN(c) || isDigit(c) ? 0 : (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? c : c === 126 ? -1 : c + 256);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a.charCodeAt(i));
      const bc = order(b.charCodeAt(j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}
