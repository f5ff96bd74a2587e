import { describe, expect, it } from 'vitest';
import type { ProposedChange } from '../../lifecycle/posture/model.js';
import { changeItem, patchLines, renderPatch } from './changes.js';
import { hostile, hostilePatch, samplePinPatch } from './test-sample.js';

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * What the page's copy button gives back from rendered markup (page/copy.ts does it on the DOM): each
 * marked character by its code, tags dropped, entities read.
 */
function copiedFrom(markup: string): string {
  const code = /<pre class="diff"><code>([\s\S]*)<\/code><\/pre>/.exec(markup)?.[1] ?? '';
  return code
    .replace(/<span class="cc" data-c="(\d+)" title="[^"]*">[^<]*<\/span>/g, (_, c: string) => `&#${c};`)
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);|&[a-z0-9#]+;/g, (entity, c: string | undefined) => (c === undefined ? (entities[entity] ?? entity) : String.fromCharCode(Number(c))));
}

const change = (over: Partial<ProposedChange>): ProposedChange => ({
  summary: 'Pin the parent image by digest',
  file: 'apps/api/Dockerfile',
  line: 1,
  snippet: undefined,
  edits: [],
  nodes: [],
  ...over,
});

describe('patchLines', () => {
  it('reads each line by kind, hunks by their counts', () => {
    expect(patchLines(samplePinPatch).map((l) => l.kind)).toEqual(['meta', 'meta', 'meta', 'hunk', 'del', 'add', 'context', 'context', 'context']);
    // a removed `-- x` reads `--- x`, an added `++ y` reads `+++ y`: inside a hunk they are lines, not file headers
    const tricky = 'diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n--- x\n+++ y\n \n\\ No newline at end of file\n';
    expect(patchLines(tricky).map((l) => l.kind)).toEqual(['meta', 'meta', 'meta', 'hunk', 'del', 'add', 'context', 'note']);
    // a second file after the first one's hunk: headers again; a hunk without counts holds one line a side
    const two = `${samplePinPatch}diff --git a/.dockerignore b/.dockerignore\nnew file mode 100644\n--- /dev/null\n+++ b/.dockerignore\n@@ -0,0 +1 @@\n+.git\n`;
    expect(
      patchLines(two)
        .slice(9)
        .map((l) => l.kind),
    ).toEqual(['meta', 'meta', 'meta', 'meta', 'hunk', 'add']);
  });

  it('keeps whether the last line had its line feed', () => {
    expect(patchLines('@@ -1 +1 @@\n-a\n+b').map((l) => [l.text, l.newline])).toEqual([
      ['@@ -1 +1 @@', true],
      ['-a', true],
      ['+b', false],
    ]);
    expect(patchLines('')).toEqual([]);
  });
});

describe('renderPatch', () => {
  it('is collapsed, counts its lines, colours each line by kind, and has a copy button', () => {
    const markup = renderPatch(samplePinPatch).toString();
    expect(markup).toMatch(/^<details class="patch"><summary>Patch \(9 lines\)<\/summary>/);
    expect(markup).not.toMatch(/<details[^>]* open/);
    expect(markup).toContain('<button type="button" class="copy-patch">Copy patch</button>');
    expect(markup).toContain('<span class="d-del">-FROM node:20-bookworm\n</span><span class="d-add">+FROM node:20-bookworm@sha256:');
    expect(markup).toContain('<span class="d-hunk">@@ -1,4 +1,4 @@\n</span>');
    expect(markup).toContain('<span class="d-ctx"> WORKDIR /app\n</span>');
    expect(markup).toContain('<span class="d-meta">diff --git a/apps/api/Dockerfile b/apps/api/Dockerfile\n</span>');
    expect(copiedFrom(markup)).toBe(samplePinPatch);
  });

  it('keeps a hostile patch as text: no markup of its own, every control character marked, copied back exactly', () => {
    const markup = renderPatch(hostilePatch).toString();
    expect(markup).not.toContain('<script');
    expect(markup).not.toContain('<img');
    expect(markup.match(/<\/details>/g)).toHaveLength(1);
    expect(markup.endsWith('</code></pre></details>')).toBe(true);
    expect(markup).toContain('<span class="d-del">-&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;\n</span>');
    expect(markup).toContain('<span class="d-add">+````` fence &lt;img src=x onerror=alert(2)&gt;\n</span>');
    // CR, ESC, NUL, the right-to-left override and the lone surrogate are shown by name with their code, never raw
    // eslint-disable-next-line no-control-regex -- the point is that none is left
    expect(markup).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]|[\ud800-\udfff]/);
    expect(markup).toContain('crlf line<span class="cc" data-c="13" title="U+000D">CR</span>\n</span>');
    expect(markup).toContain('<span class="cc" data-c="27" title="U+001B">ESC</span>[31m');
    expect(markup).toContain('<span class="cc" data-c="0" title="U+0000">NUL</span>');
    expect(markup).toContain('<span class="cc" data-c="8238" title="U+202E">U+202E</span> gnp.exe');
    expect(markup).toContain('<span class="cc" data-c="55296" title="U+D800">U+D800</span>');
    expect(patchLines(hostilePatch).map((l) => l.kind)).toEqual(['meta', 'meta', 'meta', 'hunk', 'del', 'add', 'add', 'context']);
    expect(copiedFrom(markup)).toBe(hostilePatch);
  });
});

describe('changeItem', () => {
  it('shows a patched change with its patch and the rules it clears; no manual badge', () => {
    const markup = changeItem(
      change({ edits: [{ kind: 'substitute', file: 'f', line: 1, find: 'a', replace: 'b' }], patch: samplePinPatch, rules: ['SS-DF-003'] }),
    ).toString();
    expect(markup).toMatch(
      /^<li class="change">Pin the parent image by digest <code>apps\/api\/Dockerfile:1<\/code> <span class="muted small">clears SS-DF-003<\/span><details class="patch">/,
    );
    expect(markup).not.toContain('manual');
    // the patch stands for the snippet: it holds the same lines, with where they go
    const withSnippet = changeItem(change({ snippet: 'FROM node:20-bookworm@sha256:5f2c', patch: samplePinPatch })).toString();
    expect(withSnippet).not.toContain('<pre><code>FROM');
  });

  it('badges a manual change and keeps its snippet as it was shown', () => {
    const markup = changeItem(
      change({ summary: 'Create the COSIGN_KEY secret in Jenkins', file: undefined, line: undefined, snippet: 'cosign generate-key-pair' }),
    ).toString();
    expect(markup).toBe(
      '<li class="change"><span class="manual">manual</span> Create the COSIGN_KEY secret in Jenkins<pre><code>cosign generate-key-pair</code></pre></li>',
    );
  });

  it('neither badges nor shows a patch for a change with edits but no patch (the files were not at hand)', () => {
    const markup = changeItem(change({ edits: [{ kind: 'append', file: 'f', text: 'x' }] })).toString();
    expect(markup).not.toContain('manual');
    expect(markup).not.toContain('<details');
  });

  it('escapes hostile summaries, places and rules', () => {
    const markup = changeItem(
      change({ summary: hostile, file: hostile, rules: [hostile], patch: hostilePatch, edits: [{ kind: 'append', file: 'f', text: 'x' }] }),
    ).toString();
    expect(markup).not.toMatch(/<(script|img)/);
    expect(markup.match(/<li/g)).toHaveLength(1);
    expect(markup.match(/<\/li>/g)).toHaveLength(1);
  });
});
