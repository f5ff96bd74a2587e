import { exactInteger, invalid, ok, type ParseResult } from '../scheme.js';

/** A number, or a bigint past 2^53 - 1. */
export type PubNumber = number | bigint;

/** A parsed Pub version, in osv-scalibr's reading. */
export interface PubVersion {
  /** The first three numbers; missing ones compare as 0. */
  readonly numbers: readonly PubNumber[];
  /** Pre-release identifiers (numbers or text); empty for a release. */
  readonly prerelease: readonly (PubNumber | string)[];
  /** Build metadata, compared as a plain string. */
  readonly build: string;
}

// Pub's grammar, but any count of numbers and an optional lowercase `v` (osv-scalibr's vectors
// have `1.0`, `1.1.3.4.5` and `v1.2.3`); identifiers are non-empty runs of [0-9A-Za-z-].
const PUB = /^v?(\d+(?:\.\d+)*)((?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)$/;
// Go's big.Int SetString: an optional sign, digits.
const SIGNED_DIGITS = /^[+-]?\d+$/;

function identifier(text: string): PubNumber | string {
  if (!SIGNED_DIGITS.test(text)) return text;
  return exactInteger(text);
}

/**
 * Parses a Pub version as osv-scalibr reads it: numbers up to the first `-` or `+`; a fourth
 * number and beyond go to the end of the pre-release/build string (so `1.2.3.4` reads as
 * `1.2.3-.4`, before `1.2.3`: pub itself rejects such versions; kept for parity). The
 * pre-release is what precedes the first `+` without its leading `-`; the build what follows it.
 * Never throws.
 */
export function parsePub(raw: string): ParseResult<PubVersion> {
  const m = PUB.exec(raw);
  if (m === null) return invalid(raw === '' ? 'empty version' : `not a Pub version: ${JSON.stringify(raw)}`);
  const all = (m[1] ?? '').split('.').map(exactInteger);
  const extra = all
    .slice(3)
    .map((n) => `.${n}`)
    .join('');
  const suffix = `${m[2] ?? ''}${extra}`;
  const plus = suffix.indexOf('+');
  const pre = plus < 0 ? suffix : suffix.slice(0, plus);
  const trimmed = pre.startsWith('-') ? pre.slice(1) : pre;
  return ok({
    numbers: all.slice(0, 3),
    prerelease: trimmed === '' ? [] : trimmed.split('.').map(identifier),
    build: plus < 0 ? '' : suffix.slice(plus + 1),
  });
}
