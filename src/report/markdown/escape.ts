/**
 * Markdown escaping for text from untrusted files and registries (CommonMark + GitHub tables):
 * inline punctuation is backslash-escaped so no markup, link or raw HTML can form; cells also escape
 * pipes and turn newlines into `<br>`. Control characters (terminal escapes, NUL) are written as
 * `\xNN` everywhere, code included: a report is read in terminals and logs too.
 */
import { escapeControls } from '../../core/format.js';
import { maxOf } from '../../core/collections.js';

/** Inline text on one line. */
export function mdText(value: string): string {
  return escapeControls(value.replace(/\r\n?|\n/g, ' ')).replace(/[\\`*_[\]<>|~&!]/g, (char) => `\\${char}`);
}

/** Text that starts a line (a paragraph, a list item's content): also escapes what would open a heading, list or rule there. */
export function mdLine(value: string): string {
  // leading spaces would make an indented code block
  return mdText(value)
    .trimStart()
    .replace(/^([#+\-=]|\d+(?=[.)]))/, (lead: string) => (/^\d/.test(lead) ? `${lead}\\` : `\\${lead}`));
}

/** A table cell: text, pipes escaped, line breaks kept as `<br>`. */
export function mdCell(value: string): string {
  return value
    .split(/\r\n?|\n/)
    .map((line) => mdText(line))
    .join('<br>');
}

/** Inline code on one line, with a backtick fence longer than any run inside; `inCell` also escapes pipes (GitHub splits cells on them even in code). */
export function mdCode(value: string, inCell = false): string {
  const flat = escapeControls(value.replace(/\r\n?|\n/g, ' '));
  const longest = maxOf(
    (flat.match(/`+/g) ?? []).map((run) => run.length),
    0,
  );
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
  const body = inCell ? flat.replace(/\|/g, '\\|') : flat;
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** Bidirectional controls and unpaired surrogates: in code they reorder or hide what a reviewer reads (Trojan Source). */
const unseenInCode = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A fenced code block whose fence no line of the content can close. Tabs are kept (a Makefile's, a
 * Jenkinsfile's indentation), CRLF becomes LF, other control characters are written `\xNN`, and
 * bidirectional controls and unpaired surrogates `\uNNNN`.
 */
export function mdFence(content: string, language = ''): string {
  const longest = maxOf(
    (content.match(/`+/g) ?? []).map((run) => run.length),
    0,
  );
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const lines = content
    .replace(/\r\n?/g, '\n')
    .replace(/\n$/, '')
    .replace(unseenInCode, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const body = lines
    .split('\t')
    .map((part) => escapeControls(part, { keepNewlines: true }))
    .join('\t');
  return `${fence}${language}\n${body}\n${fence}`;
}

/** A Mermaid label: everything but plain word characters written as `#<code>;` entities, so no quote, bracket or markup can break out. */
export function mermaidLabel(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return Array.from(flat)
    .map((char) => (/[A-Za-z0-9 .,:/@_+=-]/.test(char) ? char : `#${char.codePointAt(0) ?? 63};`))
    .join('');
}

/**
 * A URL from the input as a report may link it: https only, without credentials, normalised (spaces,
 * quotes and angle brackets percent-encoded, so `<…>` holds it); undefined for anything else
 * (`javascript:`, `data:`, `http:`, what is no URL).
 */
export function httpsUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.username === '' && url.password === '' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
