import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { postureControl, postureControls } from './registry.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const prefixes = { build: 'B', distribute: 'D', run: 'R', host: 'H' } as const;

describe('posture control catalogue', () => {
  it('has unique permanent ids, phase by phase in order, with complete metadata', () => {
    const ids = postureControls.map((c) => c.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    const order = ['B', 'D', 'R', 'H'];
    expect(ids).toEqual([...ids].sort((a, b) => order.indexOf(a[7] ?? '') - order.indexOf(b[7] ?? '') || a.localeCompare(b)));
    for (const { meta } of postureControls) {
      expect(meta.id).toMatch(new RegExp(`^SS-CTL-${prefixes[meta.phase]}\\d{2}$`));
      expect(meta.title && meta.objective && meta.evaluation).toBeTruthy();
      expect(meta.references.length).toBeGreaterThan(0);
      expect([1, 2]).toContain(meta.weight);
      expect(postureControl(meta.id)?.meta).toBe(meta);
    }
  });

  it('covers every phase with at least the controls asked for', () => {
    const count = (phase: string): number => postureControls.filter((c) => c.meta.phase === phase).length;
    expect([count('build'), count('distribute'), count('run'), count('host')]).toEqual([8, 6, 6, 8]);
  });

  it('has one source file and one test file per control', () => {
    const files = readdirSync(here).filter((f) => /^[bdrh]\d{2}-.*\.ts$/.test(f) && !f.endsWith('.test.ts'));
    expect(files).toHaveLength(postureControls.length);
    for (const file of files) {
      const id = `SS-CTL-${(file[0] ?? '').toUpperCase()}${file.slice(1, 3)}`;
      expect(postureControl(id), `${file} should hold ${id}`).toBeDefined();
      expect(existsSync(path.join(here, file.replace(/\.ts$/, '.test.ts'))), `${file} has a test`).toBe(true);
    }
  });
});
