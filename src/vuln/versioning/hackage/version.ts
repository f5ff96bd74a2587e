import { invalid, ok, type ParseResult } from '../scheme.js';

/** A parsed Hackage (Cabal) version: its numbers. */
export interface HackageVersion {
  readonly numbers: readonly number[];
}

// Cabal's version grammar: `.`-separated numbers, no leading zero, at most 9 digits each.
const HACKAGE = /^(?:0|[1-9]\d{0,8})(?:\.(?:0|[1-9]\d{0,8}))*$/;

/**
 * Parses a Hackage version as Cabal does: numbers separated by `.`, without leading zeros and of
 * at most 9 digits; no tags (`1.0-foo`) and no `v`. Never throws.
 */
export function parseHackage(raw: string): ParseResult<HackageVersion> {
  if (!HACKAGE.test(raw)) return invalid(raw === '' ? 'empty version' : `not a Hackage version: ${JSON.stringify(raw)}`);
  return ok({ numbers: raw.split('.').map(Number) });
}
