/**
 * The posture assessment: a catalogue of controls per lifecycle phase, each evaluated against the
 * estate's evidence (the lifecycle map and every scanner's findings) as met / partial / gap /
 * unknown, with evidence and a proposed change concrete for this estate.
 */

export type Phase = 'build' | 'distribute' | 'run' | 'host';

export type ControlStatus = 'met' | 'partial' | 'gap' | 'unknown' | 'accepted';

export interface FrameworkReference {
  framework: 'NIST SP 800-190' | 'CIS Docker Benchmark' | 'Pod Security Standards' | 'SLSA' | 'CIS Kubernetes Benchmark';
  /** `4.1.1`, `4.2`, `Build L2`, `restricted`. */
  id: string;
  title: string;
}

export interface ControlMeta {
  /** Permanent id: `SS-CTL-B01` (build), `SS-CTL-D01` (distribute), `SS-CTL-R01` (run), `SS-CTL-H01` (host). Never reused. */
  id: string;
  phase: Phase;
  title: string;
  /** What met looks like, in a sentence. */
  objective: string;
  /** How it is evaluated from the map and the findings, in a sentence (shown in the report). */
  evaluation: string;
  references: FrameworkReference[];
  /** Weight in the phase score (1 = normal, 2 = critical control; 0 = not required by the policy, left out of the score). */
  weight: number;
}

/** A piece of evidence: a sentence and where it points. */
export interface Evidence {
  text: string;
  /** `apps/api/Jenkinsfile:12`, `registry.example.com/team/api:1.2`, `prod/Deployment/api`. */
  where: string | undefined;
  /** Lifecycle map node ids it concerns (the report marks them on the map). */
  nodes: string[];
  /** Finding ids / fingerprints it rests on (SS-DF-003, CVE-…, SS-REG-004). */
  findings: string[];
  /** true: this evidence shows the control met there; false: a gap there. */
  ok: boolean;
}

/** A change concrete for this estate. */
export interface ProposedChange {
  summary: string;
  /** The file to change and the line to change it at (insert after), when it is a file. */
  file: string | undefined;
  line: number | undefined;
  /** The exact text to add or the command to run (a Jenkinsfile stage, `FROM x@sha256:…`, a label). */
  snippet: string | undefined;
  nodes: string[];
}

export interface ControlResult {
  control: ControlMeta;
  status: ControlStatus;
  /** One line: why this status. */
  summary: string;
  evidence: Evidence[];
  changes: ProposedChange[];
  /** Set when a policy exception accepted the gap: the reason and the expiry. */
  acceptance: { reason: string; expires: string | undefined } | undefined;
}

export interface PhaseScore {
  phase: Phase;
  /**
   * 0–100: weighted met = 1, partial = 0.5, gap = 0, accepted = 1; unknown controls and controls of
   * weight 0 (not required by the policy) are left out. 0 when nothing in the phase could be
   * assessed: `counts` then shows only unknowns.
   */
  score: number;
  counts: Record<ControlStatus, number>;
}

export interface PostureReport {
  schema: 'shipshape/posture@1';
  generatedAt: string;
  policy: string | undefined;
  controls: ControlResult[];
  phases: PhaseScore[];
  overall: number;
  /** A short paragraph a manager can read: the score, the three biggest gaps, what to do first. */
  summary: string;
}
