import { exactInteger, invalid, ok, type ParseResult } from '../scheme.js';

/** A version number; a bigint past 2^53 - 1. */
type NugetNumber = number | bigint;

/**
 * A release label: a number when .NET's `int.TryParse` reads it (NuGet compares those
 * numerically), else the label upper-cased (NuGet compares the rest with `OrdinalIgnoreCase`).
 */
export type NugetLabel = number | string;

/** A parsed NuGet version: four numbers (missing ones are 0) and the release labels. */
export interface NugetVersion {
  readonly numbers: readonly [NugetNumber, NugetNumber, NugetNumber, NugetNumber];
  /** Empty for a release. */
  readonly labels: readonly NugetLabel[];
  /** Kept for display; ignored by the order. */
  readonly metadata: string;
}

// `NuGetVersion.TryParse`: one to four numbers, `-` labels, `+` metadata; parts of both are
// non-empty runs of [0-9A-Za-z-].
const NUGET = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
// NuGet's `IsValidPart`: a numeric label has no leading zero.
const LEADING_ZERO = /^0\d+$/;
// `int.TryParse` (NumberStyles.Integer): an optional minus sign and digits, within Int32.
const INT = /^-?\d+$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const WHITESPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

function toNumber(digits: string | undefined): NugetNumber {
  return digits === undefined ? 0 : exactInteger(digits);
}

function toLabel(label: string): NugetLabel {
  if (INT.test(label)) {
    const n = Number(label);
    if (n >= INT32_MIN && n <= INT32_MAX) return n;
  }
  return label.toUpperCase();
}

/**
 * Parses a NuGet version as `NuGetVersion.TryParse` does: surrounding whitespace is trimmed,
 * `1`, `1.2`, `1.2.3` and `1.2.3.4` are accepted (missing numbers are 0), labels and metadata follow
 * SemVer 2.0 character rules. One difference: NuGet limits each number to Int32, here numbers
 * have no size limit (osv-scalibr's vectors order `999999999999999999999999999991`).
 * Never throws.
 */
export function parseNuget(raw: string): ParseResult<NugetVersion> {
  const m = NUGET.exec(raw.replace(WHITESPACE, ''));
  if (m === null) return invalid(raw === '' ? 'empty version' : `not a NuGet version: ${JSON.stringify(raw)}`);
  const [, major, minor, patch, revision, labels, metadata = ''] = m;
  const parts = labels === undefined ? [] : labels.split('.');
  if (parts.some((p) => LEADING_ZERO.test(p))) return invalid(`a numeric release label has a leading zero: ${JSON.stringify(raw)}`);
  return ok({
    numbers: [toNumber(major), toNumber(minor), toNumber(patch), toNumber(revision)],
    labels: parts.map(toLabel),
    metadata,
  });
}
