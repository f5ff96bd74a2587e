import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundlePageScript } from './page-bundle.js';
import { reportScript } from './script.js';

describe('the report page script', () => {
  it('is page/main.ts bundled into one classic script, with the shared lifecyclePath walk rather than a copy', () => {
    expect(reportScript).toMatch(/^\(function\(\) \{/);
    expect(reportScript).not.toMatch(/^\s*(import|export)\s/m);
    expect(reportScript).toContain('// map-walk.ts');
    expect(reportScript).toContain('function lifecyclePath(flows, start)');
    expect(reportScript).toContain('document.addEventListener("keydown"');
    // TypeScript syntax is gone: the browser runs it as it is
    expect(reportScript).not.toMatch(/: (number|string|boolean|void)\b[,)=;]/);
  });

  it('bundles to the same bytes every time, wherever it is built (its CSP hash depends on them)', async () => {
    const entry = fileURLToPath(new URL('./page/main.ts', import.meta.url));
    const cwd = process.cwd();
    try {
      process.chdir('/');
      expect(await bundlePageScript(entry)).toBe(reportScript);
    } finally {
      process.chdir(cwd);
    }
  });
});
