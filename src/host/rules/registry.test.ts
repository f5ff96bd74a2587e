import { describe, expect, it } from 'vitest';
import { checkHostConfig } from './check.js';
import { hostRules } from './registry.js';

describe('host rule registry', () => {
  it('has unique, permanent-format ids in order, and complete metadata', () => {
    const ids = hostRules.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
    for (const { meta, examples, kinds } of hostRules) {
      expect(meta.id).toMatch(/^SS-HOST-\d{3}$/);
      expect(meta.title && meta.rationale && meta.remediation).toBeTruthy();
      expect(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']).toContain(meta.severity);
      expect(meta.references.length).toBeGreaterThan(0);
      if (meta.cis !== undefined) expect(meta.cis).toMatch(/^\d+\.\d+$/);
      expect(kinds.length).toBeGreaterThan(0);
      expect(examples.bad.length).toBeGreaterThan(0);
      expect(examples.good.length).toBeGreaterThan(0);
    }
  });

  for (const rule of hostRules) {
    describe(`${rule.meta.id} ${rule.meta.title}`, () => {
      it.each(rule.examples.bad)('flags bad example %#', (...files) => {
        const findings = checkHostConfig(files, { rules: [rule] });
        expect(findings.length).toBeGreaterThan(0);
        for (const f of findings) {
          expect(f.ruleId).toBe(rule.meta.id);
          expect(files.map((file) => file.path)).toContain(f.location.file);
          expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
          expect(f.message).not.toMatch(/\n/);
        }
      });
      it.each(rule.examples.good)('accepts good example %#', (...files) => {
        expect(checkHostConfig(files, { rules: [rule] })).toEqual([]);
      });
    });
  }
});
