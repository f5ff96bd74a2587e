import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzers } from './registry.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('the analyser registry', () => {
  it('has unique ids, positive versions and size limits', () => {
    expect(new Set(analyzers.map((a) => a.id)).size).toBe(analyzers.length);
    for (const analyzer of analyzers) {
      expect(analyzer.version, analyzer.id).toBeGreaterThan(0);
      expect(analyzer.maxBytes, analyzer.id).toBeGreaterThan(0);
    }
  });

  it('lists every analyser folder, and every analyser has tests', () => {
    const folders = readdirSync(here, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(here, entry.name, 'index.ts')))
      .map((entry) => entry.name);
    const registered = new Set(analyzers.map((a) => a.id));
    // folder names are the analyser ids, except where the purl type names the folder
    const idOf: Record<string, string> = { golang: 'golang', cargo: 'cargo' };
    for (const folder of folders) expect(registered, `analyzers/${folder} is not in registry.ts`).toContain(idOf[folder] ?? folder);
    for (const folder of folders) {
      const tests = readdirSync(path.join(here, folder)).filter((name) => name.endsWith('.test.ts'));
      expect(tests.length, `analyzers/${folder} has no tests`).toBeGreaterThan(0);
    }
  });

  it('never asks for a path that is not absolute (non-executable, so binary analysers are out too)', () => {
    const entry = (p: string) => ({ path: p, type: 'file' as const, size: 10, mode: 0o644, uid: 0, gid: 0 });
    for (const analyzer of analyzers) {
      expect(analyzer.required('relative/var/lib/dpkg/status', entry('relative/var/lib/dpkg/status')), analyzer.id).toBe(false);
    }
  });
});
