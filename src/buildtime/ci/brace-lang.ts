/**
 * A careful tokenizer for Groovy (Jenkinsfiles) and Kotlin (TeamCity DSL), and a tree of blocks
 * and statements built from braces. Not a parser for either language: enough to find
 * `stage('x') { sh "…" }` and `dockerCommand { commandType = build { … } }` with their lines.
 * Strings are decoded (escapes, templates kept apart as expressions) with the file line of every
 * decoded line, so shell text inside them keeps its line numbers.
 */

import { LimitExceededError } from '../../core/errors.js';
import { maxCiInterpolationChars, maxCiNestingDepth } from '../../core/limits.js';

export type Language = 'groovy' | 'kotlin';

type StringPart =
  | { kind: 'text'; text: string }
  /** `${expr}` or `$name` (as written in `raw`). */
  | { kind: 'expr'; raw: string; expr: string };

export type Token =
  | { kind: 'ident'; text: string; line: number }
  | { kind: 'number'; text: string; line: number }
  | { kind: 'punct'; text: string; line: number }
  | { kind: 'newline'; line: number }
  | {
      kind: 'string';
      parts: StringPart[];
      /** Source text between the quotes. */
      source: string;
      line: number;
      /** File line of each line of the decoded text. */
      lineMap: number[];
    };

export interface Block {
  /** Tokens before `{` (`stage ( 'Build' )`, `commandType = build`). */
  head: Token[];
  body: Item[];
  line: number;
}

export type Item = { kind: 'statement'; tokens: Token[]; line: number } | { kind: 'block'; block: Block };

const punctuation = [
  '?.',
  '->',
  '==',
  '!=',
  '&&',
  '||',
  '+=',
  '::',
  '..',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '=',
  '.',
  ';',
  '+',
  '-',
  '*',
  '/',
  '!',
  '?',
  '<',
  '>',
  '&',
  '|',
  '@',
  '%',
];

/** Tokens of Groovy or Kotlin source; unterminated strings and comments end at the end of the text. */
export function tokenize(text: string, language: Language): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\n') {
      tokens.push({ kind: 'newline', line });
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      line += countNewlines(text, i, stop);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      const token = readString(text, i, line, language);
      tokens.push(token.token);
      line = token.endLine;
      i = token.end;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_$]/.test(text[j] ?? '')) j++;
      tokens.push({ kind: 'ident', text: text.slice(i, j), line });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[0-9A-Za-z_.]/.test(text[j] ?? '')) j++;
      tokens.push({ kind: 'number', text: text.slice(i, j), line });
      i = j;
      continue;
    }
    if (c === '`' && language === 'kotlin') {
      // back-quoted identifier
      const end = text.indexOf('`', i + 1);
      const stop = end < 0 ? text.length : end;
      tokens.push({ kind: 'ident', text: text.slice(i + 1, stop), line });
      i = stop + 1;
      continue;
    }
    const p = punctuation.find((op) => text.startsWith(op, i)) ?? c;
    tokens.push({ kind: 'punct', text: p, line });
    i += p.length;
  }
  return tokens;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) if (text[k] === '\n') n++;
  return n;
}

const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' };

function readString(text: string, start: number, startLine: number, language: Language): { token: Token; end: number; endLine: number } {
  const quote = text[start] ?? '"';
  const triple = text.startsWith(quote.repeat(3), start);
  const delimiter = triple ? quote.repeat(3) : quote;
  // Groovy: "…" and """…""" interpolate; Kotlin: both double-quoted forms do, '…' is a character
  const interpolates = quote === '"';
  // Kotlin raw strings ("""…""") have no escapes
  const escapesOn = !(language === 'kotlin' && triple);
  const parts: StringPart[] = [];
  const lineMap = [startLine];
  let line = startLine;
  let literal = '';
  const flush = (): void => {
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    literal = '';
  };
  let i = start + delimiter.length;
  while (i < text.length) {
    if (text.startsWith(delimiter, i) && !(triple && text[i + 3] === quote)) {
      flush();
      return {
        token: { kind: 'string', parts, source: text.slice(start + delimiter.length, i), line: startLine, lineMap },
        end: i + delimiter.length,
        endLine: line,
      };
    }
    const c = text[i] ?? '';
    if (!triple && c === '\n') break; // unterminated single-line string
    if (c === '\\' && escapesOn) {
      const next = text[i + 1] ?? '';
      if (next === '\n') {
        // line continuation inside the string: nothing is emitted
        line++;
        i += 2;
        continue;
      }
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        literal += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      literal += escapes[next] ?? next;
      if (next === 'n') lineMap.push(line);
      i += 2;
      continue;
    }
    if (c === '$' && interpolates && language === 'kotlin' && text.startsWith("${'$'}", i)) {
      // Kotlin's way to write a literal dollar in a template string
      literal += '$';
      i += 6;
      continue;
    }
    if (c === '$' && interpolates) {
      const expr = readTemplate(text, i, language);
      if (expr !== undefined) {
        flush();
        parts.push({ kind: 'expr', raw: expr.raw, expr: expr.expr });
        line += countNewlines(text, i, i + expr.raw.length);
        i += expr.raw.length;
        continue;
      }
    }
    if (c === '\n') {
      line++;
      lineMap.push(line);
    }
    literal += c;
    i++;
  }
  flush();
  return { token: { kind: 'string', parts, source: text.slice(start + delimiter.length, i), line: startLine, lineMap }, end: i, endLine: line };
}

/** `${…}` (balanced, strings inside skipped) or `$name` (Groovy: `$a.b.c`). */
function readTemplate(text: string, i: number, language: Language): { raw: string; expr: string } | undefined {
  if (text[i + 1] === '{') {
    let depth = 0;
    const stop = Math.min(text.length, i + maxCiInterpolationChars);
    for (let j = i + 1; j < stop; j++) {
      const c = text[j];
      if (c === "'" || c === '"') {
        const close = text.indexOf(c, j + 1);
        if (close < 0 || close >= stop) return undefined;
        j = close;
      } else if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) return { raw: text.slice(i, j + 1), expr: text.slice(i + 2, j).trim() };
      }
    }
    return undefined;
  }
  const pattern = language === 'groovy' ? /^\$([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)/ : /^\$([A-Za-z_][A-Za-z0-9_]*)/;
  const m = pattern.exec(text.slice(i, i + 300));
  if (m?.[1] === undefined) return undefined;
  return { raw: m[0], expr: m[1] };
}

/** Tokens after which a newline does not end the statement. */
const continuing = new Set(['.', '?.', ',', '=', '+', '(', '[', '&&', '||', '?', ':', '->', '+=']);

interface Frame {
  head: Token[];
  items: Item[];
  statement: Token[];
  depth: number;
  line: number;
}

/**
 * Blocks and statements; unbalanced braces are reported and closed at the end. Blocks nested
 * deeper than `maxCiNestingDepth` are a LimitExceededError: readers recurse over the tree.
 */
export function blockTree(tokens: readonly Token[], diagnostics: string[]): Item[] {
  const root: Frame = { head: [], items: [], statement: [], depth: 0, line: 1 };
  const stack: Frame[] = [root];
  const top = (): Frame => stack[stack.length - 1] ?? root;
  const endStatement = (): void => {
    const frame = top();
    const meaningful = frame.statement.some((t) => t.kind !== 'punct' && t.kind !== 'newline');
    if (meaningful) frame.items.push({ kind: 'statement', tokens: frame.statement, line: frame.statement[0]?.line ?? frame.line });
    frame.statement = [];
    frame.depth = 0;
  };
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k];
    if (token === undefined) continue;
    const frame = top();
    if (token.kind === 'newline') {
      const last = frame.statement[frame.statement.length - 1];
      let n = k + 1;
      while (tokens[n]?.kind === 'newline') n++;
      const next = tokens[n];
      const nextContinues = next?.kind === 'punct' && (next.text === '.' || next.text === '?.');
      if (frame.depth === 0 && !(last?.kind === 'punct' && continuing.has(last.text)) && !nextContinues) endStatement();
      // the newlines up to `next` decide the same way: one pass over a run of them, not one per newline
      k = n - 1;
      continue;
    }
    if (token.kind === 'punct') {
      if (token.text === ';' && frame.depth === 0) {
        endStatement();
        continue;
      }
      if (token.text === '{') {
        if (stack.length > maxCiNestingDepth) {
          throw new LimitExceededError(`line ${token.line}: blocks nested deeper than ${maxCiNestingDepth} levels (the maxCiNestingDepth limit)`);
        }
        const head = frame.statement.filter((t) => t.kind !== 'newline');
        frame.statement = [];
        stack.push({ head, items: [], statement: [], depth: 0, line: head[0]?.line ?? token.line });
        continue;
      }
      if (token.text === '}') {
        if (stack.length === 1) {
          diagnostics.push(`line ${token.line}: unbalanced '}'`);
          continue;
        }
        endStatement();
        stack.pop();
        top().items.push({ kind: 'block', block: { head: frame.head, body: frame.items, line: frame.line } });
        continue;
      }
      if (token.text === '(' || token.text === '[') frame.depth++;
      if (token.text === ')' || token.text === ']') frame.depth = Math.max(0, frame.depth - 1);
    }
    frame.statement.push(token);
  }
  if (stack.length > 1) diagnostics.push(`${stack.length - 1} unclosed '{' (first opened at line ${stack[1]?.line ?? 0})`);
  while (stack.length > 1) {
    endStatement();
    const frame = stack.pop();
    if (frame !== undefined) top().items.push({ kind: 'block', block: { head: frame.head, body: frame.items, line: frame.line } });
  }
  endStatement();
  return root.items;
}

/** Splits call arguments (tokens between the parentheses) at top-level commas. */
export function splitArgs(tokens: readonly Token[]): Token[][] {
  const args: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'newline') continue;
    if (token.kind === 'punct') {
      if (token.text === '(' || token.text === '[') depth++;
      if (token.text === ')' || token.text === ']') depth--;
      if (token.text === ',' && depth === 0) {
        args.push(current);
        current = [];
        continue;
      }
    }
    current.push(token);
  }
  if (current.length > 0) args.push(current);
  return args;
}

/** Index of the `)` matching the `(` at `open`, or -1. */
export function matchingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k];
    if (t?.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[') depth++;
    if (t.text === ')' || t.text === ']') {
      depth--;
      if (depth === 0) return k;
    }
  }
  return -1;
}

/** A named argument (`script: '…'`) among split arguments: its value tokens. */
export function namedArg(args: readonly Token[][], name: string): Token[] | undefined {
  for (const arg of args) {
    const [key, colon, ...value] = arg;
    if (key?.kind === 'ident' && key.text === name && colon?.kind === 'punct' && colon.text === ':') return value;
    if (key?.kind === 'string' && stringText(key) === name && colon?.kind === 'punct' && colon.text === ':') return value;
  }
  return undefined;
}

/** A string token's text when it has no templates. */
export function stringText(token: Token | undefined): string | undefined {
  if (token?.kind !== 'string') return undefined;
  if (token.parts.some((p) => p.kind === 'expr')) return undefined;
  return token.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
}

export function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

export function isIdent(token: Token | undefined, text?: string): boolean {
  return token?.kind === 'ident' && (text === undefined || token.text === text);
}
