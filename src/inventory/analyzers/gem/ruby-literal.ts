/**
 * Just enough Ruby to read the literals RubyGems writes into installed gemspecs
 * (`Gem::Specification#to_ruby`): strings in their `"…"`, `'…'` and `%q{…}` forms, optionally
 * `.freeze`d, and one-line arrays of them. Nothing is ever evaluated; anything else is "not a literal".
 */

/** A literal value: a string or an array of strings. */
export type RubyLiteral = string | string[];

const closers: Record<string, string> = { '{': '}', '(': ')', '[': ']', '<': '>' };
const simpleEscapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', s: ' ', e: '\x1b', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

class Cursor {
  index = 0;
  constructor(readonly text: string) {}
  peek(offset = 0): string {
    return this.text.charAt(this.index + offset);
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.index++;
  }
  eat(token: string): boolean {
    if (!this.text.startsWith(token, this.index)) return false;
    this.index += token.length;
    return true;
  }
  rest(): string {
    return this.text.slice(this.index);
  }
}

/**
 * The literal at the start of `text` (the right-hand side of an assignment). A trailing comment or
 * `if …`/`unless …` modifier is allowed; any other trailing code means the value is computed, and
 * undefined is returned rather than a guess.
 */
export function parseRubyLiteral(text: string): RubyLiteral | undefined {
  const cursor = new Cursor(text);
  cursor.skipSpaces();
  const value = cursor.peek() === '[' ? readArray(cursor) : readFrozenString(cursor);
  if (value === undefined) return undefined;
  cursor.skipSpaces();
  const rest = cursor.rest();
  if (rest === '' || rest.startsWith('#') || rest.startsWith('if ') || rest.startsWith('unless ')) return value;
  return undefined;
}

function readArray(cursor: Cursor): string[] | undefined {
  cursor.eat('[');
  const items: string[] = [];
  cursor.skipSpaces();
  if (cursor.eat(']')) return items;
  for (;;) {
    cursor.skipSpaces();
    const item = readFrozenString(cursor);
    if (item === undefined) return undefined;
    items.push(item);
    cursor.skipSpaces();
    if (cursor.eat(']')) return items;
    if (!cursor.eat(',')) return undefined;
  }
}

function readFrozenString(cursor: Cursor): string | undefined {
  const value = readString(cursor);
  if (value !== undefined) cursor.eat('.freeze');
  return value;
}

function readString(cursor: Cursor): string | undefined {
  const first = cursor.peek();
  if (first === '"') {
    cursor.index++;
    return readDelimited(cursor, '"', '', true);
  }
  if (first === "'") {
    cursor.index++;
    return readDelimited(cursor, "'", '', false);
  }
  if (first === '%') {
    const kind = cursor.peek(1);
    const open = kind === 'q' || kind === 'Q' ? cursor.peek(2) : kind;
    const close = closers[open];
    if (close === undefined) return undefined;
    cursor.index += kind === open ? 2 : 3;
    return readDelimited(cursor, close, open, kind === 'Q' || kind === open);
  }
  return undefined;
}

/**
 * Reads up to the closing delimiter (bracket pairs may nest, as in Ruby). Double-quoted forms
 * process escapes and refuse interpolation (`#{…}`: a computed value); single-quoted forms only
 * unescape the delimiters and the backslash.
 */
function readDelimited(cursor: Cursor, close: string, open: string, doubleQuoted: boolean): string | undefined {
  const { text } = cursor;
  let out = '';
  let depth = 0;
  while (cursor.index < text.length) {
    const char = text.charAt(cursor.index++);
    if (char === '\\') {
      const next = text.charAt(cursor.index++);
      if (!doubleQuoted) out += next === close || next === open || next === '\\' ? next : `\\${next}`;
      else out += unescape(cursor, next);
    } else if (open !== '' && char === open) {
      depth++;
      out += char;
    } else if (char === close) {
      if (depth === 0) return out;
      depth--;
      out += char;
    } else if (doubleQuoted && char === '#' && text.charAt(cursor.index) === '{') {
      return undefined;
    } else {
      out += char;
    }
  }
  return undefined; // unterminated (a string spanning lines is not something to_ruby writes)
}

const bracedCodePoint = /\{([0-9a-fA-F]{1,6})\}/y;
const fourHexDigits = /([0-9a-fA-F]{4})/y;
const hexByte = /([0-9a-fA-F]{1,2})/y;

/** One escape of a double-quoted string, after its backslash (`next` is the escaped character). */
function unescape(cursor: Cursor, next: string): string {
  const simple = simpleEscapes[next];
  if (simple !== undefined) return simple;
  if (next === 'u') {
    const digits = matchAt(cursor, cursor.peek() === '{' ? bracedCodePoint : fourHexDigits);
    if (digits !== undefined) return String.fromCodePoint(Math.min(Number.parseInt(digits, 16), 0x10ffff));
  }
  if (next === 'x') {
    const digits = matchAt(cursor, hexByte);
    if (digits !== undefined) return String.fromCharCode(Number.parseInt(digits, 16));
  }
  return next; // \" \\ \# and any other escaped character stand for themselves
}

/** The first group of a sticky pattern matched at the cursor, which moves past the match. */
function matchAt(cursor: Cursor, pattern: RegExp): string | undefined {
  pattern.lastIndex = cursor.index;
  const match = pattern.exec(cursor.text);
  if (!match) return undefined;
  cursor.index += match[0].length;
  return match[1];
}
