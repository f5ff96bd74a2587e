import { describe, expect, it } from 'vitest';
import { checkCompose } from './check.js';
import { composeRules } from './registry.js';

describe('compose rule registry', () => {
  it('has unique, permanent-format ids and complete metadata', () => {
    const ids = composeRules.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { meta, examples } of composeRules) {
      expect(meta.id).toMatch(/^SS-CMP-\d{3}$/);
      expect(meta.title && meta.rationale && meta.remediation).toBeTruthy();
      expect(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']).toContain(meta.severity);
      expect(meta.references.length).toBeGreaterThan(0);
      expect(meta.cis).toMatch(/^\d+\.\d+$/);
      expect(examples.bad.length).toBeGreaterThan(0);
      expect(examples.good.length).toBeGreaterThan(0);
    }
  });

  for (const rule of composeRules) {
    describe(`${rule.meta.id} ${rule.meta.title}`, () => {
      it.each(rule.examples.bad)('flags bad example %#', (text) => {
        const { findings, diagnostics } = checkCompose('compose.yaml', text, { rules: [rule] });
        expect(diagnostics).toEqual([]);
        const own = findings.filter((f) => f.ruleId === rule.meta.id);
        expect(own.length).toBeGreaterThan(0);
        for (const f of own) {
          expect(f.location.file).toBe('compose.yaml');
          expect(f.location.startLine).toBeGreaterThan(0);
          expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
        }
      });
      it.each(rule.examples.good)('accepts good example %#', (text) => {
        const { findings, diagnostics } = checkCompose('compose.yaml', text, { rules: [rule] });
        expect(diagnostics).toEqual([]);
        expect(findings).toEqual([]);
      });
    });
  }
});
