import { messageOf } from '../../core/errors.js';
import type { AdvisoryLookup } from '../../vuln/match/matcher.js';
import type { EstateEvidence } from '../estate-model.js';
import type { LifecycleMap } from '../model.js';
import { applyAcceptedRisks } from './acceptance.js';
import type { ControlContext, ControlOutcome, PostureControl } from './controls/control.js';
import { postureControls } from './controls/registry.js';
import type { ControlResult, PostureReport } from './model.js';
import type { Policy } from './policy.js';
import { phaseScores, weightedScore } from './score.js';
import { managerSummary } from './summary.js';

export interface AssessOptions {
  policy: Policy;
  /** The time the assessment is made at: ages, expiries and support tables are judged against it. */
  now: Date;
  /** The advisory database, for the container runtimes of the nodes (OSV Go ecosystem). */
  advisories?: AdvisoryLookup | undefined;
  /** The controls to evaluate (default: the whole catalogue). */
  controls?: readonly PostureControl[];
}

/**
 * Assesses the estate against the control catalogue: each control's status, evidence and proposed
 * changes, the policy's accepted risks, weighted scores per phase and overall, and a summary a
 * manager can read.
 */
export function assessPosture(evidence: EstateEvidence, map: LifecycleMap, options: AssessOptions): PostureReport {
  const context: ControlContext = { evidence, map, policy: options.policy, now: options.now, advisories: options.advisories };
  const controls = (options.controls ?? postureControls).map((control) => {
    const optional = control.signatures === true && !options.policy.requireSignatures;
    const meta = optional ? { ...control.meta, weight: 0 } : control.meta;
    const outcome = evaluateSafely(control, context);
    const result: ControlResult = {
      control: meta,
      status: outcome.status,
      summary: optional ? `${outcome.summary} (signatures are not required by the policy: left out of the score)` : outcome.summary,
      evidence: outcome.evidence,
      changes: outcome.changes,
      acceptance: undefined,
    };
    return applyAcceptedRisks(result, options.policy.acceptedRisks, options.now);
  });
  const phases = phaseScores(controls);
  const overall = weightedScore(controls);
  return {
    schema: 'shipshape/posture@1',
    generatedAt: options.now.toISOString(),
    policy: options.policy.source,
    controls,
    phases,
    overall: overall ?? 0,
    summary: managerSummary(controls, phases, overall),
  };
}

/** A control that throws is a bug; the report says so for that control instead of losing every other one. */
function evaluateSafely(control: PostureControl, context: ControlContext): ControlOutcome {
  try {
    return control.evaluate(context);
  } catch (error) {
    return { status: 'unknown', summary: `the evaluation of ${control.meta.id} failed: ${messageOf(error)}`, evidence: [], changes: [] };
  }
}
