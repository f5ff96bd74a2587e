import { describe, expect, it } from 'vitest';
import { secretRules } from './registry.js';
import { scanContent } from './scan-file.js';
import type { SecretRule } from './types.js';

const pathOf = (rule: SecretRule): string => rule.examples.examplePath ?? '/app/example.txt';
const scan = (rule: SecretRule, text: string) => scanContent(pathOf(rule), text, [rule], { scope: rule.scope });

describe('secret rules', () => {
  it('have unique, permanent-format ids and complete metadata', () => {
    const ids = secretRules.map((rule) => rule.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of secretRules) {
      expect(rule.meta.id).toMatch(/^SS-SEC-\d{3}$/);
      expect(rule.meta.title && rule.meta.rationale && rule.meta.remediation).toBeTruthy();
      expect(rule.meta.references.length).toBeGreaterThan(0);
      expect(rule.pattern.flags).toContain('g');
      expect(rule.keywords.length).toBeGreaterThan(0);
      for (const keyword of rule.keywords) expect(keyword).toBe(keyword.toLowerCase());
      expect(rule.examples.bad.length).toBeGreaterThan(0);
      expect(rule.examples.good.length).toBeGreaterThan(0);
    }
  });

  describe.each(secretRules.map((rule) => [rule.meta.id, rule] as const))('%s', (_id, rule) => {
    it.each(rule.examples.bad)('finds the bad example %j', (text) => {
      expect(scan(rule, text).map((m) => m.ruleId)).toContain(rule.meta.id);
    });
    it.each(rule.examples.good)('ignores the good example %j', (text) => {
      expect(scan(rule, text)).toEqual([]);
    });
    it('is not run when no keyword is in the text (the keywords are a true prefilter)', () => {
      // every bad example holds a keyword, or the prefilter would hide a real match
      for (const text of rule.examples.bad) expect(rule.keywords.some((k) => text.toLowerCase().includes(k))).toBe(true);
    });
  });

  it('path-restricted rules do not run on other paths', () => {
    const restricted = secretRules.filter((rule) => rule.paths);
    expect(restricted.length).toBeGreaterThan(0);
    for (const rule of restricted) {
      for (const text of rule.examples.bad) expect(scanContent('/usr/lib/python3/notes.py', text, [rule])).toEqual([]);
    }
  });
});
