import { describe, expect, it } from 'vitest';
import { hostile, hostilePatch, hostileReportInput, samplePinPatch, sampleReportInput } from '../html/test-sample.js';
import { mdCell, mdCode, mdFence, mdLine, mdText, mermaidLabel } from './escape.js';
import { renderMarkdownReport, topFindingsLimit } from './posture.js';

/** The text outside fenced blocks and code spans: where Markdown would interpret markup. */
function prose(markdown: string): string {
  return markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}

/** Splits a GitHub table row on its unescaped pipes. */
const cellsOf = (row: string): string[] => row.split(/(?<!\\)\|/).slice(1, -1);

describe('markdown escaping', () => {
  it('escapes inline markup, raw HTML and table pipes', () => {
    expect(mdText('a *b* _c_ [d](e) <x> | `f` & ~g~')).toBe('a \\*b\\* \\_c\\_ \\[d\\](e) \\<x\\> \\| \\`f\\` \\& \\~g\\~');
    expect(mdText('one\ntwo')).toBe('one two');
    expect(mdCell('one | two\nthree')).toBe('one \\| two<br>three');
    expect(mdLine('# not a heading')).toBe('\\# not a heading');
    expect(mdLine('1. not a list')).toBe('1\\. not a list');
    expect(mdLine('    not code')).toBe('not code');
    expect(mdText('version 0.1.0')).toBe('version 0.1.0');
  });

  it('fences code with more backticks than the content holds', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdCode('a|b', true)).toBe('`a\\|b`');
    expect(mdFence('x\n```\ny', 'yaml')).toBe('````yaml\nx\n```\ny\n````');
    expect(mdFence('plain')).toBe('```\nplain\n```');
    // tabs stay (a Jenkinsfile's indentation); other control characters are written \xNN, CRLF as LF
    expect(mdFence('\tstage\x1b[0m\r\nnext\u0085', 'diff')).toBe('```diff\n\tstage\\x1b[0m\nnext\\x85\n```');
  });

  it('writes Mermaid labels with entities for anything but plain characters', () => {
    expect(mermaidLabel('a "b" [c] <d> `e` |f| #g;')).toBe('a #34;b#34; #91;c#93; #60;d#62; #96;e#96; #124;f#124; #35;g#59;');
    expect(mermaidLabel('registry.example.com/team/api:1.2')).toBe('registry.example.com/team/api:1.2');
  });
});

describe('renderMarkdownReport', () => {
  const input = sampleReportInput();
  const md = renderMarkdownReport(input);

  it('has the summary, a scores table, and every gap or partial control with its proposed changes', () => {
    expect(md.startsWith(`# Shipshape posture report — acme-payments\n`)).toBe(true);
    for (const heading of ['## Summary', '## Scores', '## Gaps and proposed changes', '## Lifecycle map', '## Top findings'])
      expect(md).toContain(`\n${heading}\n`);
    expect(md).toContain(`**Overall posture: ${input.posture.overall}/100**`);
    for (const phase of input.posture.phases) {
      const c = phase.counts;
      expect(md).toMatch(
        new RegExp(
          `\\| ${phase.phase[0]?.toUpperCase()}${phase.phase.slice(1)} \\| ${phase.score} \\| ${c.met} \\| ${c.partial} \\| ${c.gap} \\| ${c.unknown} \\| ${c.accepted} \\|`,
        ),
      );
    }
    const gaps = md.slice(md.indexOf('## Gaps and proposed changes'), md.indexOf('## Lifecycle map'));
    for (const c of input.posture.controls) {
      const listed = gaps.includes(`### ${c.status === 'gap' ? '✗' : '◐'} ${c.control.id} — `);
      expect(listed, c.control.id).toBe(c.status === 'gap' || c.status === 'partial');
      if (!listed) continue;
      for (const change of c.changes)
        if (change.patch) expect(gaps).toContain(`\`\`\`diff\n${change.patch}\`\`\``);
        else if (change.snippet) expect(gaps).toContain(`\n${change.snippet}\n\`\`\``);
    }
    expect(gaps).toContain('```diff\ndiff --git a/apps/api/Dockerfile b/apps/api/Dockerfile\n');
    expect(gaps).toContain('```yaml\n      - name: Scan image'); // edits but no patch: the snippet
    expect(gaps).toContain("```groovy\nstage('Sign')");
    expect(gaps).toContain('```sh\neksctl create nodegroup');
    expect(gaps).toMatch(/### Accepted exceptions\n\n- SS-CTL-B06 .*until 2025-06-30/);
    expect(gaps).toContain('### Not assessed');
    // gaps before partials within a phase
    expect(gaps.indexOf('SS-CTL-B03')).toBeLessThan(gaps.indexOf('SS-CTL-B02'));
  });

  it('shows each patch as a diff, says which changes are manual, and names the rules a change clears', () => {
    const gaps = md.slice(md.indexOf('## Gaps and proposed changes'), md.indexOf('## Lifecycle map'));
    expect(gaps).toContain(
      `**Proposed:** Pin the parent image by digest — \`apps/api/Dockerfile:1\` (clears \`SS-DF-003\`)\n\n\`\`\`diff\n${samplePinPatch}\`\`\`\n`,
    );
    expect(gaps).not.toContain('```dockerfile\nFROM'); // the pin's snippet is in its patch
    expect(gaps).toContain('**Proposed:** manual: Replace the Ubuntu node group with Bottlerocket\n\n```sh\neksctl create nodegroup');
    expect(gaps).toContain('**Proposed:** Add a scan step before the push — '); // edits, no patch: not manual
    const manual = input.posture.controls
      .filter((c) => c.status === 'gap' || c.status === 'partial')
      .flatMap((c) => c.changes)
      .filter((c) => !c.patch && c.edits.length === 0);
    expect(gaps.match(/\*\*Proposed:\*\* manual: /g)).toHaveLength(manual.length);
  });

  it('draws the map as a Mermaid flowchart with every node and edge, gaps outlined', () => {
    const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(md)?.[1] ?? '';
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid.match(/^ {4}n\d+\["/gm)).toHaveLength(input.map.nodes.length);
    expect(mermaid.match(/^ {2}n\d+ -->\|/gm)).toHaveLength(input.map.edges.length);
    expect(mermaid.match(/^ {2}subgraph /gm)).toHaveLength(7);
    expect(mermaid).toContain('n13 -->|pulled by| n18'); // stated workload → image, drawn image → workload
    expect(mermaid).toMatch(/^ {2}class (n\d+,)*n13(,n\d+)* gap$/m);
  });

  it('lists the top findings, most severe first, one row of five cells each', () => {
    const rows = md
      .slice(md.indexOf('| Severity | Id |'))
      .split('\n')
      .filter((l) => l.startsWith('| '))
      .slice(1);
    expect(rows).toHaveLength(Math.min(topFindingsLimit, input.findings.length));
    expect(rows[0]).toMatch(/^\| CRITICAL \| `CVE-2024-6387` \|/);
    for (const row of rows) expect(cellsOf(row)).toHaveLength(5);
    expect(md).toContain('18 findings: 8 vulnerabilities, 2 secrets, 6 misconfigurations, 2 lifecycle breaks.');
    const many = sampleReportInput();
    for (let i = 0; i < 30; i++)
      many.findings.push({ category: 'vulnerability', id: `CVE-2025-${1000 + i}`, severity: 'LOW', title: 't', where: 'w', phase: 'build', nodes: [] });
    expect(renderMarkdownReport(many)).toContain(`${many.findings.length - topFindingsLimit} more in the HTML report.`);
  });

  it('keeps hostile text inert: no raw HTML, no broken table rows, fences that hold', () => {
    const evil = renderMarkdownReport(hostileReportInput());
    const outside = prose(evil);
    expect(outside.replace(/<br>/g, '')).not.toMatch(/(?<!\\)[<>]/);
    expect(outside).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/);
    for (const row of evil.split('\n').filter((l) => l.startsWith('| ') && l.includes('SS-SEC-999'))) expect(cellsOf(row)).toHaveLength(5);
    // the snippet holding ``` is fenced with four backticks and comes out whole
    expect(evil).toContain(`\`\`\`\`\n${hostile}\n\`\`\`\nafter fence\n\`\`\`\``);
    // the patch holding a run of five is fenced with six; its control characters are written \xNN, the
    // right-to-left override and the lone surrogate \uNNNN, the CRLF line ends in LF
    const diff = /^``````diff\n([\s\S]*?)\n``````$/m.exec(evil)?.[1] ?? '';
    expect(diff).toBe(
      hostilePatch
        .replace('\r\n', '\n')
        .replace('\x1b', '\\x1b')
        .replace('\0', '\\x00')
        .replace('\u202e', '\\u202e')
        .replace('\ud800', '\\ud800')
        .replace(/\n$/, ''),
    );
    expect(prose(evil)).not.toContain('</details>');
    expect(evil).toContain(`**Proposed:** Patched ${mdText(hostile)} — `);
    // the hostile label inside the Mermaid block has no quote or bracket left to break out with
    const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(evil)?.[1] ?? '';
    for (const line of mermaid.split('\n').filter((l) => l.includes('alert'))) expect(line).toMatch(/^ {4}n\d+\["[^"[\]<>`|]*"\]$/);
    expect(evil.split('\n').filter((l) => l.startsWith('# '))).toHaveLength(1);
  });

  it('is deterministic and renders an empty estate', () => {
    expect(renderMarkdownReport(sampleReportInput())).toBe(md);
    const sample = sampleReportInput();
    const empty = renderMarkdownReport({
      ...sample,
      map: { ...sample.map, nodes: [], edges: [], findings: [], unknowns: [] },
      posture: { ...sample.posture, controls: [], phases: [], overall: 0 },
      findings: [],
    });
    expect(empty).toContain('No control is at gap or partial.');
    expect(empty).toContain('The map is empty: nothing was read.');
    expect(empty).toContain('No findings.');
    expect(empty).toContain('| Build | — | | | | | |');
  });
});
