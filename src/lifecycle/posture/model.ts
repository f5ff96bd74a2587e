/**
 * The posture assessment: a catalogue of controls per lifecycle phase, each evaluated against the
 * estate's evidence (the lifecycle map and every scanner's findings) as met / partial / gap /
 * unknown, with evidence and a proposed change concrete for this estate.
 */

export type Phase = 'build' | 'distribute' | 'run' | 'host';

export type ControlStatus = 'met' | 'partial' | 'gap' | 'unknown' | 'accepted';

interface FrameworkReference {
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

/**
 * One mechanical edit of a file, placed by what the readers know (a line, the step or statement
 * holding a line, the YAML mapping holding a line), so it can be applied to the file as it is
 * (`applyEdits`, src/lifecycle/posture/apply.ts). Inserted text is written unindented: it takes the
 * indentation of the place it goes.
 */
export type FileEdit =
  /**
   * Lines before or after line `line` (after line 0: the top of the file). With `within`, the
   * place is the whole item holding that line directly inside the nearest enclosing `within`
   * block or YAML key (`steps`: a Jenkins/TeamCity/GitHub Actions step; `script`: a GitLab script
   * line; `*`: the innermost Groovy/Kotlin statement). The text never lands above line
   * `notBefore`: the applier refuses when the build that must come first shares that item.
   */
  | { kind: 'insert'; file: string; line: number; position: 'before' | 'after'; within?: string; notBefore?: number; text: string }
  /** The first `find` on line `line` replaced by `replace` (a digest after a tag, flags after a program). */
  | { kind: 'substitute'; file: string; line: number; find: string; replace: string }
  /** Text appended at the end of the file, after a blank line. */
  | { kind: 'append'; file: string; text: string }
  /** An import line (Kotlin, Groovy) added among the file's imports unless it or a wildcard covering it is there. */
  | { kind: 'import'; file: string; text: string }
  /**
   * A YAML mapping merged into the mapping of the item holding line `line` directly inside
   * `within` (a key: `steps` for a GitHub Actions step; `(root)` for a top-level entry such as a
   * GitLab job): missing keys are added, lists extended, mappings merged, scalars set.
   */
  | { kind: 'yaml-merge'; file: string; line: number; within: string; text: string }
  /** A new file (a NetworkPolicy, a `.dockerignore`): refused when the file exists. */
  | { kind: 'create'; file: string; text: string };

/** A change concrete for this estate. */
export interface ProposedChange {
  summary: string;
  /** The file to change and the line to change it at (insert after), when it is a file. */
  file: string | undefined;
  line: number | undefined;
  /** The text to show: what to add (a Jenkinsfile stage, `FROM x@sha256:…`) or the command to run, every estate name in it quoted. */
  snippet: string | undefined;
  /**
   * How to make the change in the files, when it can be made mechanically (empty: a command to run,
   * or a change that needs judgement; the summary says which). Applying them is what makes the
   * control see the step it looks for: the tests apply the example estates' edits and re-read.
   */
  edits: FileEdit[];
  nodes: string[];
  /** The rules whose findings the change clears (`SS-DF-012`, `SS-K8S-…`), for `shipshape fix --rule`. */
  rules?: string[] | undefined;
  /** The edits as a unified diff against the files as read (set where the files are at hand: `posture`, `fix`). */
  patch?: string | undefined;
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
   * weight 0 (not required by the policy) are left out. null when nothing in the phase could be
   * assessed ("not assessed": neither a failing 0 nor a passing 100); `counts` then shows only unknowns.
   */
  score: number | null;
  counts: Record<ControlStatus, number>;
}

export interface PostureReport {
  schema: 'shipshape/posture@1';
  generatedAt: string;
  policy: string | undefined;
  controls: ControlResult[];
  phases: PhaseScore[];
  /** The weighted score over every phase; null when nothing could be assessed. */
  overall: number | null;
  /** A short paragraph a manager can read: the score, the three biggest gaps, what to do first. */
  summary: string;
}
