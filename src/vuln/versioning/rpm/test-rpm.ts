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
  if (roll < 0.13) return Array.from({ length: 16 + int(rng, 30) }, () => String(int(rng, 10))).join('');
  return String(int(rng, roll < 0.7 ? 10 : 1000));
}

const words = ['a', 'b', 'z', 'A', 'rc', 'git', 'el', 'fc', 'beta', 'module', 'pre', 'post', 'Z'];
const separators = ['.', '.', '.', '_', '+', '%', 'α'];

/** A version or release body: digit runs, words, separators, `~` and `^` pieces. */
function body(rng: Rng, parts: number): string {
  let out = rng() < 0.9 ? digits(rng) : pick(rng, words);
  for (let i = 0; i < parts; i++) {
    const roll = rng();
    if (roll < 0.4) out += pick(rng, separators) + digits(rng);
    else if (roll < 0.6) out += pick(rng, words) + (rng() < 0.5 ? digits(rng) : '');
    else if (roll < 0.72) out += '~' + pick(rng, ['', ...words]) + (rng() < 0.6 ? digits(rng) : '');
    else if (roll < 0.84) out += '^' + pick(rng, ['', ...words]) + (rng() < 0.6 ? digits(rng) : '');
    else out += pick(rng, separators) + pick(rng, words);
  }
  return out;
}

/** A bare version string, for rpmvercmp. */
export function rpmString(rng: Rng): string {
  return body(rng, int(rng, 5));
}

/** A full `[epoch:]version[-release]`. */
export function rpmEvr(rng: Rng): string {
  const epoch = rng() < 0.3 ? `${pick(rng, ['', '0', '1', '00', '2', String(int(rng, 1000))])}:` : '';
  const release = rng() < 0.7 ? `-${rng() < 0.05 ? '' : body(rng, int(rng, 3))}` : '';
  return `${epoch}${body(rng, int(rng, 4))}${release}`;
}

/** A small edit, so that pairs are close as well as far apart. */
export function nearby(rng: Rng, version: string): string {
  switch (int(rng, 9)) {
    case 0:
      return version.replace(/\d+/, (run) => `0${run}`);
    case 1:
      return version.replace(/(\d+)(?!.*\d)/, (run) => String(BigInt(run) + 1n));
    case 2:
      return `${version}~${pick(rng, words)}`;
    case 3:
      return `${version}^${pick(rng, words)}1`;
    case 4:
      return version.replace(/[._+]/, (c) => (c === '.' ? '_' : '.'));
    case 5:
      return `${version}.`;
    case 6:
      return version.includes(':') ? version.replace(/^\d*:/, '') : `0:${version}`;
    case 7:
      return version.includes('-') ? version.slice(0, version.lastIndexOf('-')) : `${version}-1`;
    default:
      return version;
  }
}

/** A Lua string literal for any string: every byte outside a safe set as a decimal escape. */
function lua(text: string): string {
  return `"${[...Buffer.from(text, 'utf8')].map((byte) => (/[A-Za-z0-9._+~^:-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, '0')}`)).join('')}"`;
}

/**
 * rpm's own answers, from one `rpm --eval` running a generated Lua script: `rpm.vercmp(a, b)` for
 * `kind: 'vercmp'` (rpmvercmp on plain strings, what rpmvercmp.at runs), `rpm.ver(a)` against
 * `rpm.ver(b)` for `kind: 'evr'` (rpmverCmp). Each answer is -1, 0 or 1.
 */
export async function askRpm(kind: 'vercmp' | 'evr', pairs: ReadonlyArray<readonly [string, string]>): Promise<number[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-rpm-'));
  try {
    const script = path.join(dir, 'pairs.lua');
    const compare =
      kind === 'vercmp'
        ? 'local function cmp(a, b) return rpm.vercmp(a, b) end'
        : 'local function cmp(a, b) local x, y = rpm.ver(a), rpm.ver(b) if x == y then return 0 elseif x < y then return -1 else return 1 end end';
    const lines = pairs.map(([a, b]) => `out[#out + 1] = cmp(${lua(a)}, ${lua(b)})`);
    writeFileSync(script, [compare, 'local out = {}', ...lines, 'io.write(table.concat(out, "\\n"), "\\n")', ''].join('\n'));
    const { stdout } = await promisify(execFile)('rpm', ['--eval', `%{lua: dofile(${lua(script)})}`], { maxBuffer: 1 << 24 });
    return stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => Math.sign(Number(line)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** rpmvercmp as rpmio/rpmvercmp.c writes it, segment by segment: the reference for the sort keys. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  const isDigit = (c: number) => c >= 48 && c <= 57;
  const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  const isSeparator = (c: number) => !Number.isNaN(c) && !isDigit(c) && !isAlpha(c) && c !== 126 && c !== 94;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (isSeparator(a.charCodeAt(i))) i++;
    while (isSeparator(b.charCodeAt(j))) j++;
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (ca === 126 || cb === 126) {
      if (ca !== 126) return 1;
      if (cb !== 126) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === 94 || cb === 94) {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (ca !== 94) return 1;
      if (cb !== 94) return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(ca);
    const inSegment = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (inSegment(a.charCodeAt(ei))) ei++;
    while (inSegment(b.charCodeAt(ej))) ej++;
    if (ej === j) return numeric ? 1 : -1;
    let one = a.slice(i, ei);
    let two = b.slice(j, ej);
    if (numeric) {
      one = one.replace(/^0+/, '');
      two = two.replace(/^0+/, '');
      if (one.length !== two.length) return one.length > two.length ? 1 : -1;
    }
    if (one !== two) return one < two ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}
