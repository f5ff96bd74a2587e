import { exactInteger, invalid, ok, type ParseResult } from '../scheme.js';

/** A segment of a version: a number (a bigint past 2^53 - 1) or a run of letters. */
export type GemSegment = number | bigint | string;

/** A parsed RubyGems version: its `canonical_segments`, all that `<=>` looks at. */
export interface GemVersion {
  readonly segments: readonly GemSegment[];
}

// `Gem::Version::ANCHORED_VERSION_PATTERN` (RubyGems 3.3), with Ruby's `\s`; `(?>…)` there is
// atomic, which changes nothing here: what follows an alphanumeric run never starts with one.
const PATTERN = /^[ \t\n\v\f\r]*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?[ \t\n\v\f\r]*$/;
const SEGMENT = /[0-9]+|[a-z]+/gi;

/** Drops trailing zeros, as `reverse_each.drop_while { |s| s == 0 }.reverse` does. */
function dropTrailingZeros(segments: GemSegment[]): GemSegment[] {
  let end = segments.length;
  while (end > 0 && segments[end - 1] === 0) end--;
  return segments.slice(0, end);
}

/**
 * Parses a version as `Gem::Version.new` does: surrounding whitespace is stripped, `-` reads as
 * `.pre.`, segments are digit runs and letter runs, and `canonical_segments` drops the trailing
 * zeros of the release part and of the pre-release part (`1.0.a.0` is `1.a`). One difference:
 * RubyGems reads an empty or blank string as `0`; here it is an error (a missing version is not 0).
 * Never throws.
 */
export function parseGem(raw: string): ParseResult<GemVersion> {
  const m = PATTERN.exec(raw);
  if (m === null) return invalid(`malformed version number string ${JSON.stringify(raw)}`);
  const version = m[1];
  if (version === undefined) return invalid(raw === '' ? 'empty version' : `blank version ${JSON.stringify(raw)}`);
  const all: GemSegment[] = (version.replaceAll('-', '.pre.').match(SEGMENT) ?? []).map((s) => (s.charCodeAt(0) <= 57 ? exactInteger(s) : s));
  const firstString = all.findIndex((s) => typeof s === 'string');
  const cut = firstString < 0 ? all.length : firstString;
  return ok({ segments: [...dropTrailingZeros(all.slice(0, cut)), ...dropTrailingZeros(all.slice(cut))] });
}
