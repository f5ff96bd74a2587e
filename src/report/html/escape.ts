/**
 * Escaping for text that comes from untrusted files and registries. The report's markup is written
 * with the `html` tagged template, which escapes every value placed in it unless the value is markup
 * `html` itself produced: no call site can forget to escape.
 */

const htmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text content and attribute values (quotes included, so one function serves both). */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => htmlEntities[char] ?? char);
}

/** Markup built by `html` (or admitted by `trustedHtml`): placed as it is, never escaped again. */
export class SafeHtml {
  // private, so no object from elsewhere passes for markup
  readonly #markup: string;

  constructor(markup: string, key: typeof mint) {
    if (key !== mint) throw new TypeError('SafeHtml is made by html`…` only');
    this.#markup = markup;
  }

  toString(): string {
    return this.#markup;
  }
}

const mint = Symbol('SafeHtml');

/** What a template may hold: text and numbers (escaped), markup, lists of these; null, undefined and false render nothing. */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

function place(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.toString();
  if (typeof value === 'number') return escapeHtml(String(value));
  if (Array.isArray(value)) return value.map(place).join('');
  // anything else that got past the types (an object posing as markup) is text
  return escapeHtml(String(value));
}

/** The report's one way to write markup: every interpolated value is escaped unless `html` made it. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, i) => {
    markup += place(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(markup, mint);
}

/** Markup joined with a separator (the separator is markup too: it comes from the code). */
export function joinHtml(parts: readonly HtmlValue[], separator: SafeHtml): SafeHtml {
  return html`${parts.flatMap((part, i) => (i ? [separator, part] : [part]))}`;
}

/**
 * The report's own fixed text placed without escaping: its stylesheet, its bundled script and the
 * JSON data block (already made safe by `jsonForScript`). Never for anything read from input.
 */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup, mint);
}

/**
 * JSON inside `<script type="application/json">`: `<` is written as `\u003c` so no `</script>` or
 * `<!--` can end the element early; U+2028/2029 are escaped for older parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Shortens a label for the map; the full text stays in the title and the side panel. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(1, max - 1))}…`;
}
