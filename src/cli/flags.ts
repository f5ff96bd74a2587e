import { InvalidArgumentError } from 'commander';

/**
 * The parsers of every numeric flag. Each runs while commander reads the command line, so a bad
 * value stops the command before it does anything, as one line `shipshape: error: option '--x <n>'
 * argument 'abc' is invalid. …` with exit code 2. Numbers are plain decimal digits: no `0x10`,
 * `1e3`, signs or blanks, which `Number()` would quietly accept.
 */

/** The largest exit code a process can report (the shell sees the code modulo 256). */
const maxExitCode = 255;

/** `--exit-code`: the code to exit with when the command finds something, 0–255. */
export function parseExitCode(text: string): number {
  const value = wholeNumber(text);
  if (value === undefined || value > maxExitCode) throw new InvalidArgumentError(`Expected a whole number from 0 to ${maxExitCode}.`);
  return value;
}

/** `--parallel`, `--max-image-age`, `--base-layers`, `--scan`: a whole number, at least 1. */
export function parsePositiveInt(text: string): number {
  const value = wholeNumber(text);
  if (value === undefined || value < 1) throw new InvalidArgumentError('Expected a whole number, at least 1.');
  return value;
}

/** `--layer`: a position counted from 0. */
export function parseIndex(text: string): number {
  const value = wholeNumber(text);
  if (value === undefined) throw new InvalidArgumentError('Expected a whole number, at least 0.');
  return value;
}

/** `--fail-under`: a posture score, 0–100 (decimals allowed). */
export function parseScore(text: string): number {
  const value = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 0 && value <= 100)) throw new InvalidArgumentError('Expected a score from 0 to 100.');
  return value;
}

const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90m`, `72h`, `7d`, `2w` → milliseconds. */
export function durationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text);
  const unit = match ? unitMs[match[2] as string] : undefined;
  const ms = match && unit !== undefined ? Number(match[1]) * unit : Number.NaN;
  if (!Number.isFinite(ms)) throw new InvalidArgumentError('Expected a number and s, m, h, d or w (e.g. 72h, 7d).');
  return ms;
}

/** `--max-db-age`: a duration, checked; the value stays as written, so messages quote the user's words. */
export function parseDuration(text: string): string {
  durationMs(text);
  return text;
}

const sizeUnits: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  tib: 1024 ** 4,
};

/** `--max-layer-size`: `1048576`, `512MiB`, `8GB`, `1.5GiB` → bytes, at least 1. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text);
  const factor = match ? sizeUnits[(match[2] ?? '').toLowerCase()] : undefined;
  const bytes = match && factor !== undefined ? Math.floor(Number(match[1]) * factor) : Number.NaN;
  if (!(bytes >= 1 && bytes <= Number.MAX_SAFE_INTEGER)) throw new InvalidArgumentError('Expected a size: bytes or a number and a unit, e.g. 512MiB, 8GiB.');
  return bytes;
}

/** Every numeric flag parser: a contract test checks that each numeric option uses one of them. */
export const numericFlagParsers: ReadonlySet<(text: string) => unknown> = new Set([
  parseExitCode,
  parsePositiveInt,
  parseIndex,
  parseScore,
  parseDuration,
  parseSize,
]);

/** Decimal digits as a safe integer; undefined for anything else. */
function wholeNumber(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
