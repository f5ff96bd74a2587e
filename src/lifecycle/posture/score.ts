import type { ControlResult, ControlStatus, Phase, PhaseScore } from './model.js';

const phases: readonly Phase[] = ['build', 'distribute', 'run', 'host'];

const credit: Record<ControlStatus, number | undefined> = { met: 1, accepted: 1, partial: 0.5, gap: 0, unknown: undefined };

/** Weighted share of met (accepted counts as met, partial as half); unknown and weight-0 controls are left out. undefined when none is left. */
export function weightedScore(results: readonly ControlResult[]): number | undefined {
  let total = 0;
  let earned = 0;
  for (const result of results) {
    const value = credit[result.status];
    if (value === undefined || result.control.weight <= 0) continue;
    total += result.control.weight;
    earned += result.control.weight * value;
  }
  return total === 0 ? undefined : Math.round((earned / total) * 100);
}

export function phaseScores(results: readonly ControlResult[]): PhaseScore[] {
  return phases.map((phase) => {
    const mine = results.filter((r) => r.control.phase === phase);
    const counts: Record<ControlStatus, number> = { met: 0, partial: 0, gap: 0, unknown: 0, accepted: 0 };
    for (const result of mine) counts[result.status]++;
    return { phase, score: weightedScore(mine) ?? null, counts };
  });
}
