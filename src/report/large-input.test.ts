import { describe, expect, it } from 'vitest';
import { mdCode, mdFence } from './markdown/escape.js';
import { renderTable } from './table.js';

// Inventories, findings and text from the estate can be huge: rendering them must not spread
// them into Math.max (RangeError past ~120,000 arguments).

describe('reports of very large inputs', () => {
  it('renders a table of 200,000 packages, fitted to a narrow terminal', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`pkg-${i}`, `1.${i}`, `/usr/lib/very/long/path/to/package/number/${i}/METADATA`]);
    const table = renderTable(['NAME', 'VERSION', 'PATH'], rows, { width: 60, kinds: ['id', 'id', 'path'] });
    const lines = table.split('\n');
    expect(lines).toHaveLength(200_001);
    expect(lines[200_000]).toMatch(/^pkg-199999 +1\.199999 +.*METADATA$/);
  });

  it('fences markdown text holding 500,000 backtick runs', () => {
    const text = 'a`'.repeat(500_000);
    expect(mdCode(text)).toBe(`\`\` ${text} \`\``);
    expect(mdFence(text).split('\n')[0]).toBe('```');
  });
});
