import { messageOf } from '../../core/errors.js';
import type { AdvisoryLookup } from '../../vuln/match/matcher.js';
import type { EstateEvidence, UnscannedRegistry } from '../estate-model.js';
import type { LifecycleMap } from '../model.js';
import { applyAcceptedRisks } from './acceptance.js';
import { evidenceOf, type ControlContext, type ControlOutcome, type PostureControl } from './controls/control.js';
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
  /** Digests of unpinned images asked of their registries (`fix --resolve`). */
  resolvedDigests?: ReadonlyMap<string, string> | undefined;
}

/**
 * Assesses the estate against the control catalogue: each control's status, evidence and proposed
 * changes, the policy's accepted risks, weighted scores per phase and overall, and a summary a
 * manager can read.
 */
export function assessPosture(evidence: EstateEvidence, map: LifecycleMap, options: AssessOptions): PostureReport {
  const context: ControlContext = {
    evidence,
    map,
    policy: options.policy,
    now: options.now,
    advisories: options.advisories,
    resolvedDigests: options.resolvedDigests,
    dockerfileTexts: evidence.dockerfileTexts,
  };
  const controls = (options.controls ?? postureControls).map((control) => {
    const optional = control.signatures === true && !options.policy.requireSignatures;
    const meta = optional ? { ...control.meta, weight: 0 } : control.meta;
    const outcome = withUnscannedRegistries(control, evaluateSafely(control, context), evidence.unscannedRegistries ?? []);
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
    overall: overall ?? null,
    summary: managerSummary(controls, phases, overall),
  };
}

/**
 * The distribute phase's controls judge the registries that were read; a registry that could not be
 * read may break any of them. Each names it as a place not assessed, and none is met while one is unread.
 */
function withUnscannedRegistries(control: PostureControl, outcome: ControlOutcome, unscanned: readonly UnscannedRegistry[]): ControlOutcome {
  if (control.meta.phase !== 'distribute' || unscanned.length === 0) return outcome;
  const places = unscanned.map((r) => evidenceOf(`the registry ${r.registry} could not be scanned (${r.reason}): not assessed there`, r.registry, [], false));
  const names = unscanned.map((r) => r.registry).join(', ');
  if (outcome.status !== 'met')
    return { ...outcome, evidence: [...outcome.evidence, ...places], summary: `${outcome.summary}; not assessed in ${names} (could not be scanned)` };
  return {
    ...outcome,
    status: 'unknown',
    evidence: [...places, ...outcome.evidence],
    summary: `${outcome.summary}, but ${names} could not be scanned: not known there`,
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
