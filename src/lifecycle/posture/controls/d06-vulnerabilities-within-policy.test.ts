import { describe, expect, it } from 'vitest';
import { context, digestOf, estate, registry, stored } from '../test-evidence.js';
import { vulnerabilitiesWithinPolicy } from './d06-vulnerabilities-within-policy.js';

const a = digestOf('a');
const b = digestOf('b');

describe('SS-CTL-D06 vulnerabilities within policy', () => {
  it('is unknown when no image was scanned for vulnerabilities', () => {
    expect(
      vulnerabilitiesWithinPolicy.evaluate(context(estate({ registries: [registry('r.example', [{ name: 'x', images: [stored(a, ['1'])] }])] }))).summary,
    ).toBe('no stored image was scanned for vulnerabilities');
  });

  it('is a gap for critical/high by default and met when the policy fails only on critical', () => {
    const reg = registry('r.example', [
      {
        name: 'team/api',
        images: [
          stored(a, ['1.0'], { platform: { vulnerabilities: { HIGH: 3, MEDIUM: 9 } } }),
          stored(b, ['2.0'], { platform: { vulnerabilities: { LOW: 1 } } }),
        ],
      },
    ]);
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
    expect(vulnerabilitiesWithinPolicy.evaluate(context(estate({ registries: [reg] }), { policy: { ignoreUnfixed: true } })).summary).toContain(
      'counts include vulnerabilities without a fix',
    );
  });

  describe('unknown is never clean', () => {
    const debian12 = {
      ecosystem: 'Debian:12',
      kind: 'os' as const,
      covered: false,
      advisories: 0,
      packages: 88,
      reason: 'the advisory database holds no Debian:12 advisories',
      fix: 'shipshape db update --ecosystem Debian',
    };
    const npm = { ecosystem: 'npm', kind: 'language' as const, covered: true, advisories: 463, packages: 3, reason: undefined, fix: undefined };
    const notCovered = { complete: false, ecosystems: [debian12, npm] };

    it('an image with packages the database did not cover is unknown, never met, with the command that fetches them', () => {
      const reg = registry('r.example', [{ name: 'web', images: [stored(a, ['1.0'], { platform: { vulnerabilities: {}, coverage: notCovered } })] }]);
      const outcome = vulnerabilitiesWithinPolicy.evaluate(context(estate({ registries: [reg] })));
      expect(outcome.status).toBe('unknown');
      expect(outcome.summary).toBe('1 of 1 scanned images could not be assessed');
      expect(outcome.evidence[0]).toMatchObject({
        where: `r.example/web@${a}`,
        ok: false,
        text: 'r.example/web:1.0: 88 packages of Debian:12 not checked (the advisory database holds no Debian:12 advisories)',
      });
      expect(outcome.changes.map((c) => c.snippet)).toEqual(['shipshape db update --ecosystem Debian']);
    });

    it('beside images that are within the policy the control is still unknown, not met', () => {
      const reg = registry('r.example', [
        {
          name: 'web',
          images: [
            stored(a, ['1.0'], { platform: { vulnerabilities: {}, coverage: notCovered } }),
            stored(b, ['2.0'], { platform: { vulnerabilities: { LOW: 1 } } }),
          ],
        },
      ]);
      const outcome = vulnerabilitiesWithinPolicy.evaluate(context(estate({ registries: [reg] })));
      expect(outcome.status).toBe('unknown');
      expect(outcome.summary).toBe('1 of 2 scanned images could not be assessed (the other 1 are within the vulnerability policy)');
    });

    it('a known gap in the packages that were checked stays a gap', () => {
      const reg = registry('r.example', [
        { name: 'web', images: [stored(a, ['1.0'], { platform: { vulnerabilities: { CRITICAL: 1 }, coverage: notCovered } })] },
      ]);
      const outcome = vulnerabilitiesWithinPolicy.evaluate(context(estate({ registries: [reg] })));
      expect(outcome.status).toBe('gap');
      expect(outcome.evidence.map((e) => e.text)).toEqual(['r.example/web:1.0: 1 critical', expect.stringContaining('88 packages of Debian:12 not checked')]);
    });

    it('a report that does not record coverage (older Shipshape) is unknown', () => {
      const reg = registry('r.example', [{ name: 'web', images: [stored(a, ['1.0'], { platform: { vulnerabilities: {}, coverage: undefined } })] }]);
      const outcome = vulnerabilitiesWithinPolicy.evaluate(context(estate({ registries: [reg] })));
      expect(outcome.status).toBe('unknown');
      expect(outcome.evidence[0]?.text).toContain('does not record which packages its advisory database covered');
    });
  });
});
