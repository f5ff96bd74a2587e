/**
 * Values of Groovy/Kotlin expressions as far as the file settles them: string literals with
 * templates, identifiers bound earlier, `env.X`, and `+` concatenations of those. Anything else
 * (method calls, conditionals) is not a value the file gives.
 */
import { isPunct, type Token } from './brace-lang.js';
import type { CiValue } from './model.js';
import { markerText } from '../shell/lexer.js';
import type { ShellSource } from './shell.js';
import { concatValues, resolveRef, resolveText, segmentsOf, type RefSyntax, type Scope } from './values.js';
import { minOf, pushAll } from '../../core/collections.js';

/** How strings of a language are read: templates (`groovy`, `kotlin`) and references in plain text (TeamCity `%p%`). */
export interface ExprContext {
  scope: Scope;
  syntax: RefSyntax;
  textSyntaxes: readonly RefSyntax[];
}

/** The value of one template expression in a string (`${env.TAG}`, `$name`). */
function templateValue(raw: string, ctx: ExprContext): CiValue {
  return { raw, ...resolveText(raw, [ctx.syntax], ctx.scope) };
}

function textValue(text: string, ctx: ExprContext): CiValue {
  if (ctx.textSyntaxes.length === 0) return { raw: text, resolved: text, unknowns: [] };
  return { raw: text, ...resolveText(text, ctx.textSyntaxes, ctx.scope) };
}

/** A string token's value, templates resolved. */
function stringValue(token: Extract<Token, { kind: 'string' }>, ctx: ExprContext): CiValue {
  return concatValues(token.parts.map((p) => (p.kind === 'text' ? textValue(p.text, ctx) : templateValue(p.raw, ctx))));
}

type Trim = 'trim' | 'trimIndent' | 'trimMargin';

/** `"…".trimIndent()`, `.trimMargin()`, `.trim()` at the end of an expression: the tokens before, and the call. */
function trailingTrim(tokens: readonly Token[]): { tokens: readonly Token[]; trim: Trim | undefined } {
  const n = tokens.length;
  const last = tokens[n - 1];
  if (last?.kind !== 'punct' || last.text !== ')') return { tokens, trim: undefined };
  for (const name of ['trimIndent', 'trimMargin', 'trim'] as const) {
    // `. name ( )` or `. name ( "|" )`
    for (const argCount of [0, 1]) {
      const start = n - 4 - argCount;
      const dot = tokens[start];
      const ident = tokens[start + 1];
      const open = tokens[start + 2];
      if (dot?.kind === 'punct' && dot.text === '.' && ident?.kind === 'ident' && ident.text === name && open?.kind === 'punct' && open.text === '(') {
        return { tokens: tokens.slice(0, start), trim: name };
      }
    }
  }
  return { tokens, trim: undefined };
}

function applyTrim(text: string, trim: Trim | undefined): string {
  if (trim === undefined) return text;
  if (trim === 'trim') return text.trim();
  let lines = text.split('\n');
  if (lines[0]?.trim() === '') lines = lines.slice(1);
  if (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines = lines.slice(0, -1);
  if (trim === 'trimMargin') return lines.map((l) => l.replace(/^\s*\|/, '')).join('\n');
  const indent = minOf(lines.filter((l) => l.trim() !== '').map((l) => /^\s*/.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}

/**
 * The value of an expression: strings, identifiers (`lang` then `env`), `env.X`, `params.X` (set
 * when the build is started: known only as a declared default, marked assumed) and `+`. Undefined
 * when it is anything else.
 */
export function expressionValue(tokens: readonly Token[], ctx: ExprContext): CiValue | undefined {
  const { tokens: body, trim } = trailingTrim(tokens.filter((t) => t.kind !== 'newline'));
  const value = plainExpressionValue(body, ctx);
  if (value === undefined || trim === undefined) return value;
  return { ...value, resolved: applyTrim(value.resolved, trim) };
}

function plainExpressionValue(tokens: readonly Token[], ctx: ExprContext): CiValue | undefined {
  const values: CiValue[] = [];
  const joined = eachPlusOperand(tokens, (token, k) => {
    if (token.kind === 'string') {
      values.push(stringValue(token, ctx));
      return k + 1;
    }
    if (token.kind !== 'ident') return undefined;
    // a dotted path: env.X, params.X, X
    const path = [token.text];
    let end = k + 1;
    while (isPunct(tokens[end], '.') && tokens[end + 1]?.kind === 'ident') {
      path.push((tokens[end + 1] as { text: string }).text);
      end += 2;
    }
    if (isPunct(tokens[end], '(')) return undefined; // a call
    const name = path.join('.');
    if (path.length > 2 || (path.length === 2 && path[0] !== 'env' && path[0] !== 'params')) return undefined;
    // a bare Kotlin identifier is a variable, never text passed through to a shell
    values.push(templateValue(`\${${name}}`, ctx.syntax === 'kotlin' ? { ...ctx, syntax: 'groovy' } : ctx));
    return end;
  });
  if (!joined || values.length === 0) return undefined;
  return concatValues(values);
}

/**
 * Walks operands joined by `+` (`"a" + B + env.C`): `operand` reads the one at index `k` and returns
 * the index after it, or undefined when it is none the caller takes. False then, or when anything
 * but `+` joins two operands.
 */
function eachPlusOperand(tokens: readonly Token[], operand: (token: Token, k: number) => number | undefined): boolean {
  let k = 0;
  while (k < tokens.length) {
    const token = tokens[k];
    if (token === undefined) break;
    const end = operand(token, k);
    if (end === undefined) return false;
    const next = tokens[end];
    if (next === undefined) break;
    if (!isPunct(next, '+')) return false;
    k = end + 1;
  }
  return true;
}

/**
 * Shell text from an expression (`sh "docker build -t ${IMAGE} ."`, `'docker push ' + IMAGE`):
 * templates and identifiers become markers holding their values.
 */
export function shellSourceOf(tokens: readonly Token[], ctx: ExprContext): ShellSource | undefined {
  // trimming changes only whitespace around the script: the shell reads it the same
  const meaningful = trailingTrim(tokens.filter((t) => t.kind !== 'newline')).tokens;
  let text = '';
  const markers: CiValue[] = [];
  let lineMap: number[] | undefined;
  const addMarker = (value: CiValue): void => {
    text += markerText(markers.length);
    markers.push(value);
  };
  const joined = eachPlusOperand(meaningful, (token, k) => {
    if (token.kind === 'string') {
      const linesBefore = text.split('\n').length - 1;
      for (const part of token.parts) {
        if (part.kind === 'expr') {
          const value = templateValue(part.raw, ctx);
          // a Kotlin template the file does not define is text for the shell (`$IMAGE`)
          if (ctx.syntax === 'kotlin' && value.resolved === part.raw && value.unknowns.length === 0) text += part.raw;
          else addMarker(value);
          continue;
        }
        for (const segment of segmentsOf(part.text, ctx.textSyntaxes)) {
          if (segment.kind === 'text') text += segment.text;
          else addMarker({ raw: segment.ref.raw, ...resolveRef(segment.ref, ctx.textSyntaxes, ctx.scope) });
        }
      }
      if (lineMap === undefined) lineMap = [...token.lineMap];
      else if (linesBefore >= lineMap.length - 1) pushAll(lineMap, token.lineMap.slice(1));
      return k + 1;
    }
    if (token.kind !== 'ident') return undefined;
    const path = identPath(meaningful, k);
    const value = expressionValue([token, ...path], ctx);
    if (value === undefined) return undefined;
    addMarker(value);
    lineMap ??= [token.line];
    return k + 1 + path.length;
  });
  if (!joined || lineMap === undefined) return undefined;
  return { text, markers, lineMap };
}

/** The `.b.c` tokens following an identifier at `k`. */
function identPath(tokens: readonly Token[], k: number): Token[] {
  const path: Token[] = [];
  let j = k + 1;
  while (tokens[j]?.kind === 'punct' && (tokens[j] as { text: string }).text === '.' && tokens[j + 1]?.kind === 'ident') {
    path.push(tokens[j] as Token, tokens[j + 1] as Token);
    j += 2;
  }
  return path;
}
