/** The three Pod Security Standards levels, least to most restrictive. */
export type PssLevel = 'privileged' | 'baseline' | 'restricted';

/** A policy version as in `pod-security.kubernetes.io/<mode>-version`: `v1.N` or `latest`. */
export type PssVersion = { major: 1; minor: number } | 'latest';

/** PSA's version syntax: `v1.0`, `v1.23`… (no leading zeros). */
const VERSION_RE = /^v1\.(0|[1-9][0-9]*)$/;

/**
 * Parses `v1.N` or `latest`. Unlike PSA (which falls back to `latest` and reports an error),
 * an invalid string throws, so a typo never silently selects a different policy.
 */
export function parseVersion(text: string): PssVersion {
  if (text === 'latest') return 'latest';
  const m = VERSION_RE.exec(text);
  if (!m?.[1]) throw new RangeError(`invalid Pod Security Standards version ${JSON.stringify(text)} (want v1.N or latest)`);
  return { major: 1, minor: Number(m[1]) };
}

/** The minor version used to select versioned checks; `latest` is newer than any numbered version. */
export function versionMinor(version: PssVersion): number {
  return version === 'latest' ? Number.POSITIVE_INFINITY : version.minor;
}

/** Pod metadata as read from YAML: only annotations matter to PSS. */
export interface PodMetadata {
  annotations?: unknown;
  [key: string]: unknown;
}

/**
 * A Pod spec as read from YAML. Every field is `unknown`: checks narrow each value themselves
 * and treat a wrongly typed value as the offending value (fail closed), never crash.
 */
export interface PodSpec {
  containers?: unknown;
  initContainers?: unknown;
  ephemeralContainers?: unknown;
  securityContext?: unknown;
  volumes?: unknown;
  hostNetwork?: unknown;
  hostPID?: unknown;
  hostIPC?: unknown;
  hostUsers?: unknown;
  os?: unknown;
  [key: string]: unknown;
}

/** One check's verdict, as PSA's `CheckResult`. */
export interface CheckResult {
  allowed: boolean;
  /** Short reason (PSA `ForbiddenReason`), e.g. `privileged`. */
  reason?: string;
  /** What exactly is wrong (PSA `ForbiddenDetail`), e.g. `container "app" must not set securityContext.privileged=true`. */
  detail?: string;
}

/** A check implementation for one version range. */
export type CheckFn = (metadata: PodMetadata, spec: PodSpec) => CheckResult;

/** One behaviour of a check, applying from `minVersion` (a v1 minor) until the next entry's `minVersion`. */
export interface VersionedCheck {
  minVersion: number;
  check: CheckFn;
  /** Baseline check ids this (restricted) check replaces at these versions (PSA `OverrideCheckIDs`). */
  overrides?: readonly string[];
}

/** A Pod Security Standards check, mirroring PSA's `policy.Check` (id = PSA `CheckID`). */
export interface PssCheck {
  id: string;
  level: 'baseline' | 'restricted';
  /** Sorted by `minVersion`, ascending. A version below the first entry does not run the check. */
  versions: readonly VersionedCheck[];
}

/** One failed check in an evaluation. */
export interface PssViolation {
  check: string;
  reason: string;
  detail?: string;
}

/** The outcome of evaluating a pod at a level and version. */
export interface PssResult {
  allowed: boolean;
  violations: PssViolation[];
}
