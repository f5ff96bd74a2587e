import type { SeverityLevel } from '../core/severity.js';

/**
 * What every rule (Dockerfile, image configuration, secrets, and later registry and workload rules)
 * declares about itself: a permanent id, why it matters, how to fix it, and where it comes from.
 */
export interface RuleMeta {
  /** Permanent id: `SS-DF-001`, `SS-IMG-003`, `SS-SEC-010`. Never reused for another meaning. */
  id: string;
  title: string;
  severity: SeverityLevel;
  /** Why it matters, in a sentence or two. */
  rationale: string;
  /** What to do about it. */
  remediation: string;
  /** CIS Docker Benchmark sections, NIST SP 800-190, hadolint/dockle ids, URLs. */
  references: string[];
}

/** Where a finding points: a file and line range, and/or a layer and a path inside the image. */
export interface FindingLocation {
  /** A file on disk (a Dockerfile) as given by the user. */
  file?: string | undefined;
  /** 1-based lines and columns. */
  startLine?: number | undefined;
  startColumn?: number | undefined;
  endLine?: number | undefined;
  endColumn?: number | undefined;
  /** Inside the image. */
  layer?: { index: number; digest: string; createdBy: string | undefined } | undefined;
  path?: string | undefined;
}

/** One rule's finding: which rule, what exactly, where. */
export interface RuleFinding {
  ruleId: string;
  title: string;
  severity: SeverityLevel;
  /** What was found, specific to this occurrence (never a full secret: matches are masked). */
  message: string;
  location: FindingLocation;
  /** Stable across runs: rule + place + what matched. */
  fingerprint: string;
}

/** A rule's good and bad examples, run by the generic rule test: bad must produce ≥ 1 finding of the rule, good none. */
export interface RuleExamples {
  good: string[];
  bad: string[];
}
