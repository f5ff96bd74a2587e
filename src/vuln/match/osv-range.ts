import type { VersionScheme } from '../versioning/scheme.js';
import type { OsvAffected, OsvEvent, OsvRange } from '../advisories/osv.js';

/** Whether an installed version is affected by one OSV `affected` entry, and why. */
export type RangeOutcome =
  | { status: 'affected'; how: 'range' | 'versions'; range: string; fixed: string | undefined; lastAffected: string | undefined }
  | { status: 'not-affected' }
  /** A version or event that the scheme cannot parse: neither a finding nor a silent pass. */
  | { status: 'indeterminate'; reason: string };

/** Picks the scheme for a range type; undefined when it cannot be evaluated (GIT ranges). */
export type SchemeFor = (rangeType: string) => VersionScheme | undefined;

type Parsed<V> = { kind: 'introduced' | 'fixed' | 'last_affected' | 'limit'; raw: string; value: V | 'zero' | 'infinity' };

/**
 * OSV's evaluation of `affected` (https://ossf.github.io/osv-schema/#evaluation), exactly:
 * the version is affected if it is listed in `versions`, or if any SEMVER/ECOSYSTEM range includes
 * it. A range includes a version when, walking its events in version order, the last event at or
 * below the version is an `introduced` (`fixed` and `last_affected` close the range: at and above
 * the fix, above the last affected), and the version is below one of the range's `limit`s if it
 * has limits at all. `introduced: "0"` is below every version; `limit: "*"` above every version.
 */
export function evaluateAffected(version: string, affected: OsvAffected, schemeFor: SchemeFor): RangeOutcome {
  const listed = affected.versions?.includes(version) === true;
  let indeterminate: string | undefined;
  for (const range of affected.ranges ?? []) {
    const scheme = schemeFor(range.type);
    if (!scheme) continue; // GIT ranges name commits, not versions
    const outcome = evaluateRange(version, range, scheme);
    // a range that holds the version also says where it is fixed, which a `versions` list does not
    if (outcome.status === 'affected') return outcome;
    if (outcome.status === 'indeterminate') indeterminate ??= outcome.reason;
  }
  if (listed) return { status: 'affected', how: 'versions', range: `version ${version} is listed`, fixed: undefined, lastAffected: undefined };
  return indeterminate ? { status: 'indeterminate', reason: indeterminate } : { status: 'not-affected' };
}

function evaluateRange<V>(raw: string, range: OsvRange, scheme: VersionScheme<V>): RangeOutcome {
  const installed = scheme.parse(range.type === 'SEMVER' ? raw.replace(/^v/, '') : raw);
  if (!installed.ok)
    return { status: 'indeterminate', reason: `installed version ${JSON.stringify(raw)} is not a valid ${scheme.id} version: ${installed.error}` };
  const events: Parsed<V>[] = [];
  for (const event of range.events) {
    const parsed = parseEvent(event, scheme);
    if (typeof parsed === 'string') return { status: 'indeterminate', reason: parsed };
    events.push(parsed);
  }
  const compare = (a: Parsed<V>['value'], b: Parsed<V>['value']): number => {
    if (a === b) return 0;
    if (a === 'zero' || b === 'infinity') return -1;
    if (a === 'infinity' || b === 'zero') return 1;
    return scheme.compare(a, b);
  };
  const v = installed.value;
  const limits = events.filter((e) => e.kind === 'limit');
  if (limits.length > 0 && !limits.some((e) => compare(v, e.value) < 0)) return { status: 'not-affected' };

  const sorted = events.filter((e) => e.kind !== 'limit').sort((a, b) => compare(a.value, b.value));
  let vulnerable = false;
  let opened: Parsed<V> | undefined;
  for (const event of sorted) {
    if (event.kind === 'introduced' && compare(v, event.value) >= 0) {
      vulnerable = true;
      opened = event;
    } else if (event.kind === 'fixed' && compare(v, event.value) >= 0) {
      vulnerable = false;
    } else if (event.kind === 'last_affected' && compare(v, event.value) > 0) {
      vulnerable = false;
    }
  }
  if (!vulnerable || !opened) return { status: 'not-affected' };
  // what closes the range above the installed version: the fix to upgrade to, or the last affected version
  const closing = sorted.find((e) => (e.kind === 'fixed' && compare(e.value, v) > 0) || (e.kind === 'last_affected' && compare(e.value, v) >= 0));
  const fixed = closing?.kind === 'fixed' ? closing.raw : undefined;
  const lastAffected = closing?.kind === 'last_affected' ? closing.raw : undefined;
  const upper = fixed ? ` <${fixed}` : lastAffected ? ` <=${lastAffected}` : '';
  return { status: 'affected', how: 'range', range: `${range.type} >=${opened.raw}${upper}`, fixed, lastAffected };
}

function parseEvent<V>(event: OsvEvent, scheme: VersionScheme<V>): Parsed<V> | string {
  const [kind, raw] = Object.entries(event)[0] as [Parsed<V>['kind'], string];
  if (kind === 'introduced' && raw === '0') return { kind, raw, value: 'zero' };
  if (kind === 'limit' && raw === '*') return { kind, raw, value: 'infinity' };
  const parsed = scheme.parse(raw);
  return parsed.ok ? { kind, raw, value: parsed.value } : `${kind} version ${JSON.stringify(raw)} is not a valid ${scheme.id} version: ${parsed.error}`;
}
