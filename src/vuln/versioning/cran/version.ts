import { exactInteger, invalid, ok, type ParseResult } from '../scheme.js';

/** A parsed CRAN (R `package_version`) version: its numbers. */
export interface CranVersion {
  readonly numbers: readonly (number | bigint)[];
}

// R's `package_version`: at least two non-negative integers, each separated by `.` or `-`.
const CRAN = /^\d+(?:[.-]\d+)+$/;

/**
 * Parses a CRAN version: numbers separated by `.` or `-`, which weigh the same (`1.2-3` is
 * `1.2.3`); leading zeros are allowed (`0.01` is `0.1`), as in R; numbers have no size limit.
 * Never throws.
 */
export function parseCran(raw: string): ParseResult<CranVersion> {
  if (!CRAN.test(raw)) return invalid(raw === '' ? 'empty version' : `not a CRAN version: ${JSON.stringify(raw)}`);
  return ok({
    numbers: raw.split(/[.-]/).map(exactInteger),
  });
}
