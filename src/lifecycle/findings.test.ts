import { describe, expect, it } from 'vitest';
import { lifecycleRules } from './findings.js';

describe('the SS-MAP rule catalogue', () => {
  it('has unique ids in order, each explained and referenced', () => {
    const ids = lifecycleRules.map((r) => r.id);
    expect(ids).toEqual(['SS-MAP-001', 'SS-MAP-002', 'SS-MAP-003', 'SS-MAP-004', 'SS-MAP-005']);
    for (const rule of lifecycleRules) {
      expect(rule.rationale.length).toBeGreaterThan(40);
      expect(rule.remediation.length).toBeGreaterThan(20);
      expect(rule.references.length).toBeGreaterThan(0);
    }
  });
});
