import { describe, expect, it } from 'vitest';
import { lintDockerfile } from './lint.js';
import { dockerfileRules } from './registry.js';

describe('dockerfile rule registry', () => {
  it('has unique, permanent-format ids and complete metadata', () => {
    const ids = dockerfileRules.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { meta, examples } of dockerfileRules) {
      expect(meta.id).toMatch(/^SS-DF-\d{3}$/);
      expect(meta.title && meta.rationale && meta.remediation).toBeTruthy();
      expect(meta.references.length).toBeGreaterThan(0);
      expect(examples.bad.length).toBeGreaterThan(0);
      expect(examples.good.length).toBeGreaterThan(0);
    }
  });

  for (const rule of dockerfileRules) {
    describe(`${rule.meta.id} ${rule.meta.title}`, () => {
      it.each(rule.examples.bad)('flags bad example %#', (content) => {
        const findings = lintDockerfile(content, { file: 'Dockerfile', hasDockerignore: false, rules: [rule] });
        expect(findings.filter((f) => f.ruleId === rule.meta.id).length).toBeGreaterThan(0);
        for (const f of findings) expect(f.location.startLine).toBeGreaterThan(0);
      });
      it.each(rule.examples.good)('accepts good example %#', (content) => {
        const findings = lintDockerfile(content, { file: 'Dockerfile', hasDockerignore: false, rules: [rule] });
        expect(findings.filter((f) => f.ruleId === rule.meta.id)).toEqual([]);
      });
    });
  }
});
