import { isObj, isUnset } from './access.js';
import { PSS_CHECKS } from './checks/index.js';
import {
  parseVersion,
  versionMinor,
  type PodMetadata,
  type PodSpec,
  type PssCheck,
  type PssLevel,
  type PssResult,
  type PssVersion,
  type PssViolation,
  type VersionedCheck,
} from './types.js';

/** A check's behaviour at a version: the entry with the highest `minVersion` ≤ the version (PSA's rule). */
function entryAt(check: PssCheck, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const entry of check.versions) if (entry.minVersion <= minor) found = entry;
  return found;
}

/**
 * The checks (and their behaviour) that a level and version run: baseline checks for baseline;
 * for restricted, baseline and restricted checks minus the baseline checks a restricted entry overrides.
 */
export function checksFor(level: PssLevel, version: PssVersion): { id: string; entry: VersionedCheck }[] {
  if (level === 'privileged') return [];
  const minor = versionMinor(version);
  const active = PSS_CHECKS.filter((c) => level === 'restricted' || c.level === 'baseline').flatMap((c) => {
    const entry = entryAt(c, minor);
    return entry ? [{ id: c.id, entry }] : [];
  });
  const overridden = new Set(active.flatMap((a) => a.entry.overrides ?? []));
  return active.filter((a) => !overridden.has(a.id));
}

/**
 * Evaluates a Pod (a parsed `kind: Pod` manifest) against a Pod Security Standards level and
 * version, as pod-security-admission does. `latest` runs the newest behaviour implemented (v1.37).
 * Malformed input never throws: a pod, metadata or spec of the wrong type is one `malformed`
 * violation, and wrongly typed fields are treated as offending values by the checks that read them.
 */
export function evaluatePod(pod: unknown, level: PssLevel, version: PssVersion | string): PssResult {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  if (level === 'privileged') return { allowed: true, violations: [] };
  const malformed: PssViolation[] = [];
  const metadata = isObj(pod) ? pod.metadata : undefined;
  const spec = isObj(pod) ? pod.spec : undefined;
  if (!isObj(pod)) malformed.push({ check: 'malformed', reason: 'pod is not an object' });
  if (!isUnset(metadata) && !isObj(metadata)) malformed.push({ check: 'malformed', reason: 'metadata is not an object' });
  if (!isUnset(spec) && !isObj(spec)) malformed.push({ check: 'malformed', reason: 'spec is not an object' });
  if (malformed.length > 0) return { allowed: false, violations: malformed };
  return evaluateSpec(isObj(metadata) ? metadata : {}, isObj(spec) ? spec : {}, level, v);
}

/** Runs the checks of a level and version on an already separated metadata and spec. */
function evaluateSpec(metadata: PodMetadata, spec: PodSpec, level: PssLevel, version: PssVersion): PssResult {
  const violations: PssViolation[] = [];
  for (const { id, entry } of checksFor(level, version)) {
    const result = entry.check(metadata, spec);
    if (result.allowed) continue;
    const violation: PssViolation = { check: id, reason: result.reason ?? id };
    if (result.detail !== undefined) violation.detail = result.detail;
    violations.push(violation);
  }
  return { allowed: violations.length === 0, violations };
}
