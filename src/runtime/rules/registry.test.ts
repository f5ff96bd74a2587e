import { describe, expect, it } from 'vitest';
import { loadManifests } from '../manifests/load.js';
import { checkWorkloads } from './check.js';
import { workloadRules } from './registry.js';

function run(text: string, rule: (typeof workloadRules)[number]) {
  const { objects, diagnostics } = loadManifests([{ name: 'example.yaml', text }]);
  expect(diagnostics).toEqual([]);
  return checkWorkloads(objects, { ...rule.exampleContext, rules: [rule] });
}

describe('workload rule registry', () => {
  it('has unique, permanent-format ids in order and complete metadata', () => {
    const ids = workloadRules.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
    for (const { meta, examples } of workloadRules) {
      expect(meta.id).toMatch(/^SS-K8S-\d{3}$/);
      expect(meta.title && meta.rationale && meta.remediation).toBeTruthy();
      expect(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']).toContain(meta.severity);
      expect(meta.references.length).toBeGreaterThan(0);
      expect(examples.bad.length).toBeGreaterThan(0);
      expect(examples.good.length).toBeGreaterThan(0);
    }
  });

  for (const rule of workloadRules) {
    describe(`${rule.meta.id} ${rule.meta.title}`, () => {
      it.each(rule.examples.bad)('flags bad example %#', (text) => {
        const findings = run(text, rule);
        expect(findings.filter((f) => f.ruleId === rule.meta.id).length).toBeGreaterThan(0);
        for (const f of findings) {
          expect(f.location.file).toBe('example.yaml');
          expect(f.location.startLine).toBeGreaterThan(0);
          expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
        }
      });
      it.each(rule.examples.good)('accepts good example %#', (text) => {
        expect(run(text, rule).filter((f) => f.ruleId === rule.meta.id)).toEqual([]);
      });
    });
  }
});
