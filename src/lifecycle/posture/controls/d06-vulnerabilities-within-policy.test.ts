import { describe, expect, it } from 'vitest';
import { context, digestOf, estate, registry, stored } from '../test-evidence.js';
import { vulnerabilitiesWithinPolicy } from './d06-vulnerabilities-within-policy.js';

const a = digestOf('a');
const b = digestOf('b');

describe('SS-CTL-D06 vulnerabilities within policy', () => {
  it('is unknown when no image was scanned for vulnerabilities', () => {
    expect(vulnerabilitiesWithinPolicy.evaluate(context(estate({ registries: [registry('r.example', [{ name: 'x', images: [stored(a, ['1'])] }])] }))).summary).toBe('no stored image was scanned for vulnerabilities');
  });

  it('is a gap for critical/high by default and met when the policy fails only on critical', () => {
    const reg = registry('r.example', [{ name: 'team/api', images: [stored(a, ['1.0'], { platform: { vulnerabilities: { HIGH: 3, MEDIUM: 9 } } }), stored(b, ['2.0'], { platform: { vulnerabilities: { LOW: 1 } } })] }]);
    const outcome = vulnerabilitiesWithinPolicy.evaluate(context(estate({ registries: [reg] })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]).toMatchObject({ where: `r.example/team/api@${a}`, ok: false });
    expect(outcome.evidence[0]?.text).toBe('r.example/team/api:1.0: 3 high');
    expect(outcome.changes[0]?.snippet).toBe(`trivy image --severity CRITICAL,HIGH r.example/team/api@${a}`);
    expect(vulnerabilitiesWithinPolicy.evaluate(context(estate({ registries: [reg] }), { policy: { failOn: ['CRITICAL'] } })).status).toBe('met');
  });

  it('with ignoreUnfixed counts only the vulnerabilities that have a fix', () => {
    const reg = registry('r.example', [{ name: 'x', images: [stored(a, ['1'], { platform: { vulnerabilities: { CRITICAL: 2 }, fixable: {} } })] }]);
    expect(vulnerabilitiesWithinPolicy.evaluate(context(estate({ registries: [reg] }), { policy: { ignoreUnfixed: true } })).status).toBe('met');
    expect(vulnerabilitiesWithinPolicy.evaluate(context(estate({ registries: [reg] }))).status).toBe('gap');
  });

  it('says when counts from an older report cannot honour ignoreUnfixed', () => {
    const reg = registry('r.example', [{ name: 'x', images: [stored(a, ['1'], { platform: { vulnerabilities: { CRITICAL: 1 } } })] }]);
    expect(vulnerabilitiesWithinPolicy.evaluate(context(estate({ registries: [reg] }), { policy: { ignoreUnfixed: true } })).summary).toContain('counts include vulnerabilities without a fix');
  });
});
