import type { ProposedChange } from '../../lifecycle/posture/model.js';
import { html, type HtmlValue, type SafeHtml } from './escape.js';
import { changePlace, isManualChange, plural } from './format.js';

/** What a line of a unified diff is: file header, hunk header (`@@`), added, removed, context, or a `\ No newline` note. */
type PatchLineKind = 'meta' | 'hunk' | 'add' | 'del' | 'context' | 'note';

interface PatchLine {
  kind: PatchLineKind;
  /** The line without its line feed. */
  text: string;
  /** Whether the patch has a line feed after it (all lines but, maybe, the last). */
  newline: boolean;
}

const hunkHeader = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

/**
 * The lines of a unified diff by kind. A hunk is read by the line counts of its header, so a
 * removed line that reads `--- x` or an added `+++ y` is a removed or added line, not a file
 * header; what stands outside a hunk is header (`diff --git`, `---`, `+++`, `new file mode`).
 */
export function patchLines(patch: string): PatchLine[] {
  const lines = patch.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let oldLeft = 0;
  let newLeft = 0;
  return lines.map((text, i) => {
    const newline = i < lines.length - 1 || patch.endsWith('\n');
    const lead = text.charAt(0);
    if (oldLeft > 0 || newLeft > 0) {
      // an empty line in a hunk is context whose space a mailer or editor trimmed
      if ((lead === ' ' || lead === '') && oldLeft > 0 && newLeft > 0) {
        oldLeft--;
        newLeft--;
        return { kind: 'context', text, newline };
      }
      if (lead === '-' && oldLeft > 0) {
        oldLeft--;
        return { kind: 'del', text, newline };
      }
      if (lead === '+' && newLeft > 0) {
        newLeft--;
        return { kind: 'add', text, newline };
      }
      if (lead !== '\\') oldLeft = newLeft = 0; // the counts were wrong: what follows is read afresh
    }
    if (lead === '\\') return { kind: 'note', text, newline };
    const hunk = hunkHeader.exec(text);
    if (hunk) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      newLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      return { kind: 'hunk', text, newline };
    }
    return { kind: 'meta', text, newline };
  });
}

const kindClass: Record<PatchLineKind, string> = { meta: 'd-meta', hunk: 'd-hunk', add: 'd-add', del: 'd-del', context: 'd-ctx', note: 'd-note' };

/**
 * Characters a reader would not see, or that would change how the lines around them read:
 * C0 controls but tab (CR of a CRLF file, ESC, NUL), DEL, C1, the bidirectional controls (Trojan
 * Source), zero-width characters and BOM, the Unicode line separators, and unpaired surrogates.
 */
const unseen =
  // eslint-disable-next-line no-control-regex -- the point is to find them
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The C0 controls' names (ASCII's), which every font can show; the control pictures (␍) are missing from many. */
const c0Names = 'NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US'.split(' ');

/** How an unseen character is shown: its name (CR, ESC, NUL, DEL), or its code point. */
function markerOf(code: number): string {
  if (code === 0x7f) return 'DEL';
  return c0Names[code] ?? codePoint(code);
}

const codePoint = (code: number): string => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * A diff line as text with each unseen character shown marked, by name. The marker carries the
 * character's code (`data-c`), so the page's copy button gives back the patch exactly
 * (page/copy.ts): the HTML parser would turn a raw CR into a line feed and drop a NUL.
 */
function visibleText(text: string): HtmlValue[] {
  const parts: HtmlValue[] = [];
  let from = 0;
  for (const match of text.matchAll(unseen)) {
    const code = match[0].charCodeAt(0);
    parts.push(text.slice(from, match.index), html`<span class="cc" data-c="${code}" title="${codePoint(code)}">${markerOf(code)}</span>`);
    from = match.index + match[0].length;
  }
  parts.push(text.slice(from));
  return parts;
}

/**
 * A change's patch, collapsed: each line coloured by kind (class `d-add`, `d-del`, `d-hunk`,
 * `d-ctx`, `d-meta`, `d-note`), every character of it escaped text, and a button the page script
 * wires to copy the raw patch (page/copy.ts; shown only where a script wired it).
 */
export function renderPatch(patch: string): SafeHtml {
  const lines = patchLines(patch);
  const body = lines.map((line) => html`<span class="${kindClass[line.kind]}">${visibleText(line.text)}${line.newline ? '\n' : ''}</span>`);
  return html`<details class="patch"><summary>Patch (${plural(lines.length, 'line')})</summary><div class="patch-bar"><button type="button" class="copy-patch">Copy patch</button><span class="copy-status" role="status"></span></div><pre class="diff"><code>${body}</code></pre></details>`;
}

/**
 * One proposed change as a list item: a `manual` badge when it has nothing to apply, the summary,
 * where it goes, the rules it clears, then its patch when it has one (which holds the snippet's
 * lines, with where they go and what they replace), else its snippet.
 */
export function changeItem(change: ProposedChange): SafeHtml {
  const place = changePlace(change);
  const rules = change.rules?.length ? html` <span class="muted small">clears ${change.rules.join(', ')}</span>` : '';
  const body = change.patch ? renderPatch(change.patch) : change.snippet ? html`<pre><code>${change.snippet}</code></pre>` : '';
  return html`<li class="change">${isManualChange(change) ? html`<span class="manual">manual</span> ` : ''}${change.summary}${place ? html` <code>${place}</code>` : ''}${rules}${body}</li>`;
}
