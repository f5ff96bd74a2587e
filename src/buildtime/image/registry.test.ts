import { describe, expect, it } from 'vitest';
import { severityOrder } from '../../core/severity.js';
import { imageRules } from './registry.js';

describe('image rule registry', () => {
  it('has unique, permanent SS-IMG-NNN ids in order', () => {
    const ids = imageRules.map((rule) => rule.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^SS-IMG-\d{3}$/);
    expect([...ids].sort()).toEqual(ids);
  });

  it('gives every rule complete metadata', () => {
    for (const { meta } of imageRules) {
      expect(meta.title.trim(), meta.id).not.toBe('');
      expect(meta.rationale.length, meta.id).toBeGreaterThan(20);
      expect(meta.remediation.length, meta.id).toBeGreaterThan(20);
      expect(meta.references.length, meta.id).toBeGreaterThan(0);
      expect(severityOrder, meta.id).toContain(meta.severity);
      expect(meta.severity, meta.id).not.toBe('UNKNOWN');
      if (meta.cis !== undefined) expect(meta.cis, meta.id).toMatch(/^\d+\.\d+$/);
      if (meta.dockle !== undefined) expect(meta.dockle, meta.id).toMatch(/^(CIS|DKL)-(DI|LI)-\d{4}$/);
    }
  });
});
