import { describe, expect, it } from 'vitest';
import { applyAcceptedRisks } from './acceptance.js';
import { networkPolicies } from './controls/r05-network-policies.js';
import type { ControlResult } from './model.js';
import { testNow } from './test-evidence.js';

function result(status: ControlResult['status'], failing: { where: string; nodes: string[] }[]): ControlResult {
  return {
    control: networkPolicies.meta,
    status,
    summary: '2 of 3 namespaces with workloads leave pods without a NetworkPolicy',
    evidence: [
      ...failing.map((f) => ({ text: `gap at ${f.where}`, where: f.where, nodes: f.nodes, findings: [], ok: false })),
      { text: 'ok', where: 'namespace shop', nodes: [], findings: [], ok: true },
    ],
    changes: [],
    acceptance: undefined,
  };
}

const gaps = [
  { where: 'namespace legacy', nodes: ['workload:legacy/Deployment/old'] },
  { where: 'namespace batch', nodes: ['workload:batch/CronJob/report'] },
];

describe('accepted risks', () => {
  it('accepts the whole control when the risk has no target', () => {
    const accepted = applyAcceptedRisks(
      result('partial', gaps),
      [{ control: 'SS-CTL-R05', target: undefined, reason: 'CNI migration in Q1', expires: '2027-03-31' }],
      testNow,
    );
    expect(accepted.status).toBe('accepted');
    expect(accepted.acceptance).toEqual({ reason: 'CNI migration in Q1', expires: '2027-03-31' });
    expect(accepted.summary).toContain('accepted until 2027-03-31: CNI migration in Q1');
  });

  it('accepts only when every gap matches a target glob (node id or place)', () => {
    const some = applyAcceptedRisks(
      result('partial', gaps),
      [{ control: 'SS-CTL-R05', target: 'workload:legacy/*', reason: 'retiring', expires: '2027-01-31' }],
      testNow,
    );
    expect(some.status).toBe('partial');
    expect(some.acceptance).toBeUndefined();
    expect(some.summary).toContain('1 of 2 gaps are accepted (retiring, until 2027-01-31)');
    const all = applyAcceptedRisks(
      result('partial', gaps),
      [
        { control: 'SS-CTL-R05', target: 'workload:legacy/*', reason: 'retiring', expires: '2027-01-31' },
        { control: 'SS-CTL-R05', target: 'namespace batch', reason: 'no ingress at all', expires: '2027-06-30' },
      ],
      testNow,
    );
    expect(all.status).toBe('accepted');
  });

  it('turns back into a gap with a note once the risk has expired', () => {
    const expired = applyAcceptedRisks(
      result('gap', gaps),
      [{ control: 'SS-CTL-R05', target: undefined, reason: 'CNI migration', expires: '2026-11-28' }],
      testNow,
    );
    expect(expired.status).toBe('gap');
    expect(expired.acceptance).toBeUndefined();
    expect(expired.summary).toContain('the accepted risk expired on 2026-11-28 (CNI migration)');
    expect(expired.evidence.at(-1)).toMatchObject({ text: 'accepted risk expired on 2026-11-28: CNI migration', ok: false });
    // the expiry day itself still counts
    expect(applyAcceptedRisks(result('gap', gaps), [{ control: 'SS-CTL-R05', target: undefined, reason: 'x', expires: '2026-11-29' }], testNow).status).toBe(
      'accepted',
    );
  });

  it("leaves met and unknown controls, and other controls' risks, alone", () => {
    const risk = [{ control: 'SS-CTL-R05', target: undefined, reason: 'x', expires: '2027-01-01' }];
    expect(applyAcceptedRisks(result('met', []), risk, testNow).status).toBe('met');
    expect(applyAcceptedRisks(result('gap', gaps), [{ ...risk[0]!, control: 'SS-CTL-R01' }], testNow).status).toBe('gap');
  });
});
