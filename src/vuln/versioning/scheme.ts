/**
 * A version scheme: how one ecosystem writes and orders versions. Each is its own module, exact
 * against the ecosystem's real tool (dpkg, rpm, apk-tools, node-semver, packaging...).
 *
 * `parse` never throws: an unparseable version is an error result, and comparing it gives an
 * indeterminate outcome — never a guessed order (a guess is a false positive or a missed
 * vulnerability).
 */
export type ParseResult<V> = { ok: true; value: V } | { ok: false; error: string };

export interface VersionScheme<V = unknown> {
  /** Stable id: `deb`, `rpm`, `apk`, `semver`, `npm`, `go`, `pep440`, `maven`, `rubygems`, `nuget`, `composer`, `cargo`... */
  readonly id: string;
  /** One line for `--help` and the README. */
  readonly description: string;
  parse(raw: string): ParseResult<V>;
  /** Negative, zero or positive, on parsed values only. */
  compare(a: V, b: V): number;
}

/** The outcome of comparing two raw versions: an order, or `?` with why (which side did not parse). */
export type Comparison = { op: '<' | '=' | '>' } | { op: '?'; reason: string };

export function compareVersions<V>(scheme: VersionScheme<V>, left: string, right: string): Comparison {
  const a = scheme.parse(left);
  if (!a.ok) return { op: '?', reason: `left: ${a.error}` };
  const b = scheme.parse(right);
  if (!b.ok) return { op: '?', reason: `right: ${b.error}` };
  const order = scheme.compare(a.value, b.value);
  return { op: order < 0 ? '<' : order > 0 ? '>' : '=' };
}

/** Helpers for schemes: results without boilerplate. */
/** Digits to a number, or to a bigint when a number would lose precision (versions may hold any number of digits). */
export function exactInteger(digits: string): number | bigint {
  const n = Number(digits);
  // A value above 2^53 - 1 rounds to 2^53 or more, which is never a safe integer.
  return Number.isSafeInteger(n) ? n : BigInt(digits);
}

export const ok = <V>(value: V): ParseResult<V> => ({ ok: true, value });
export const invalid = <V>(error: string): ParseResult<V> => ({ ok: false, error });
