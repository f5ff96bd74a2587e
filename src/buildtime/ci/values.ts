/**
 * Values and variables in CI files: where references are (`${VAR}`, `${{ env.X }}`, `%param%`,
 * Groovy `${env.X}`), what the file itself says they are, and how a `CiValue` is built from them.
 * Resolution is recursive with a cycle guard; what the file does not give stays `${NAME}` and is
 * named in `unknowns`. Nothing is guessed.
 */
import { maxCiInterpolationChars } from '../../core/limits.js';
import type { CiValue } from './model.js';
import { pushAll } from '../../core/collections.js';

/**
 * Reference syntaxes. `shell` is POSIX parameter expansion in plain text (quotes are handled by the
 * shell tokenizer, not here); `gitlab` is GitLab's own expansion of `variables:` (`$$` escapes);
 * `kotlin` templates resolve against `val`s of the file and otherwise pass through untouched.
 */
export type RefSyntax = 'shell' | 'gitlab' | 'groovy' | 'github' | 'teamcity' | 'kotlin';

/** Where a name is looked up: environment variables, language variables (`def`, `val`), TeamCity parameters. */
export type Namespace = 'env' | 'lang' | 'param';

export type Binding =
  /** Defined by text that is resolved when read (YAML variables, environment blocks, parameters). */
  | {
      kind: 'lazy';
      raw: string;
      syntaxes: readonly RefSyntax[];
      scope: Scope;
      /** Resolved where it is read rather than where it is defined (GitLab expands all variables of a job together). */
      dynamic?: boolean;
    }
  /**
   * Already resolved where it was assigned (shell and Groovy assignments run in order). `assumed`:
   * the value rests on defaults a run may override (a Jenkins parameter's `defaultValue`).
   */
  | { kind: 'value'; resolved: string; unknowns: string[]; assumed?: string[] }
  /** Assigned something the file cannot tell (command output, credentials, loop variables). */
  | { kind: 'unknown' };

/** Nested variable scopes: workflow → job → step, pipeline → stage, script assignments. */
export class Scope {
  private readonly maps = new Map<Namespace, Map<string, Binding>>();

  constructor(readonly parent: Scope | undefined = undefined) {}

  child(): Scope {
    return new Scope(this);
  }

  set(name: string, binding: Binding, namespace: Namespace = 'env'): void {
    let map = this.maps.get(namespace);
    if (map === undefined) {
      map = new Map();
      this.maps.set(namespace, map);
    }
    map.set(name, binding);
  }

  /** The nearest binding of `name`, trying each namespace in turn through the whole chain. */
  get(name: string, namespaces: readonly Namespace[] = ['env']): Binding | undefined {
    for (const namespace of namespaces) {
      const found = this.find(name, namespace);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private find(name: string, namespace: Namespace): Binding | undefined {
    return this.maps.get(namespace)?.get(name) ?? this.parent?.find(name, namespace);
  }
}

export interface Resolved {
  resolved: string;
  unknowns: string[];
  /** See `CiValue.assumed`; absent when none. */
  assumed?: string[];
}

/** Anything that may rest on assumed defaults. */
type MaybeAssumed = { assumed?: readonly string[] | undefined } | undefined;

/**
 * `{ assumed }` with the union of the parts' assumed names, or `{}` when there are none: spread it
 * into a value so the field stays absent when empty.
 */
export function assumedField(...parts: readonly MaybeAssumed[]): { assumed?: string[] } {
  const names = unique(parts.flatMap((p) => p?.assumed ?? []));
  return names.length === 0 ? {} : { assumed: names };
}

/** A value with no variables in it. */
export function literal(text: string): CiValue {
  return { raw: text, resolved: text, unknowns: [] };
}

/** A value that is wholly unknown, named `name`. */
export function unknownValue(name: string, raw = `\${${name}}`): CiValue {
  return { raw, resolved: `\${${name}}`, unknowns: [name] };
}

export function concatValues(values: readonly CiValue[]): CiValue {
  return {
    raw: values.map((v) => v.raw).join(''),
    resolved: values.map((v) => v.resolved).join(''),
    unknowns: unique(values.flatMap((v) => v.unknowns)),
    ...assumedField(...values),
  };
}

/** Resolves `raw` written in `syntaxes` against `scope`. */
export function resolveValue(raw: string, syntaxes: readonly RefSyntax[], scope: Scope): CiValue {
  return { raw, ...resolveText(raw, syntaxes, scope) };
}

export function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/** A reference found in text. */
export interface VarRef {
  /** As written: `${{ env.TAG }}`, `$TAG`, `%env.TAG%`, `${TAG:-dev}`. */
  raw: string;
  /** Name looked up; undefined when the file can never give it (`secrets.X`, a Groovy expression). */
  key: string | undefined;
  namespaces: readonly Namespace[];
  /** Name reported when unknown. */
  name: string;
  /** Shell `${X:-d}` / `${X-d}` (and `:=`/`=`): text used when X is unset (or empty, with `:`). */
  fallback?: { text: string; whenEmpty: boolean; op: '-' | '=' };
  /** Shell operator we do not evaluate (`${X#v}`, `${X:0:7}`): kept as written, X named unknown. */
  unevaluated?: boolean;
  /** Kotlin template that the file does not define: left as text (the shell sees it). */
  passThrough?: boolean;
  /** Command substitution or special parameter: unknown, and kept as written (`$(git rev-parse HEAD)`). */
  asWritten?: boolean;
}

export type Segment = { kind: 'text'; text: string } | { kind: 'ref'; ref: VarRef };

const identStart = /[A-Za-z_]/;
const identChar = /[A-Za-z0-9_]/;

/** Splits text into literal segments and references of the given syntaxes. */
export function segmentsOf(text: string, syntaxes: readonly RefSyntax[]): Segment[] {
  const segments: Segment[] = [];
  let literalText = '';
  const flush = (): void => {
    if (literalText !== '') segments.push({ kind: 'text', text: literalText });
    literalText = '';
  };
  let i = 0;
  while (i < text.length) {
    const match = matchRefAt(text, i, syntaxes);
    if (match === undefined) {
      literalText += text[i] ?? '';
      i++;
      continue;
    }
    if (match.literal !== undefined) {
      literalText += match.literal;
    } else if (match.ref !== undefined) {
      flush();
      segments.push({ kind: 'ref', ref: match.ref });
    }
    i = match.end;
  }
  flush();
  return segments;
}

interface RefMatch {
  end: number;
  ref?: VarRef;
  /** An escape that stands for literal text (`$$` in GitLab, `%%` in TeamCity, `${'$'}` in Kotlin). */
  literal?: string;
}

/** The reference starting at `i`, if any, trying syntaxes in a fixed precedence. */
export function matchRefAt(text: string, i: number, syntaxes: readonly RefSyntax[]): RefMatch | undefined {
  const c = text[i];
  if (c === '$') {
    if (syntaxes.includes('github') && text.startsWith('${{', i)) return matchGithub(text, i);
    if (syntaxes.includes('kotlin')) {
      const m = matchKotlin(text, i);
      if (m !== undefined) return m;
    }
    if (syntaxes.includes('groovy')) {
      const m = matchGroovy(text, i);
      if (m !== undefined) return m;
    }
    if (syntaxes.includes('gitlab')) {
      if (text[i + 1] === '$') return { end: i + 2, literal: '$' };
      const m = matchShell(text, i, false);
      if (m !== undefined) return m;
    }
    if (syntaxes.includes('shell')) return matchShell(text, i, true);
    return undefined;
  }
  if (c === '%' && syntaxes.includes('teamcity')) return matchTeamcity(text, i);
  return undefined;
}

function matchGithub(text: string, i: number): RefMatch | undefined {
  const close = text.indexOf('}}', i + 3);
  if (close < 0) return undefined;
  const expr = text.slice(i + 3, close).trim();
  const raw = text.slice(i, close + 2);
  const env = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
  if (env?.[1] !== undefined) return { end: close + 2, ref: { raw, key: env[1], namespaces: ['env'], name: env[1] } };
  return { end: close + 2, ref: { raw, key: undefined, namespaces: [], name: expr } };
}

function matchTeamcity(text: string, i: number): RefMatch | undefined {
  if (text[i + 1] === '%') return { end: i + 2, literal: '%' };
  const m = /^%([A-Za-z0-9_.-]+)%/.exec(text.slice(i, i + 300));
  if (m?.[1] === undefined) return undefined;
  const name = m[1];
  const raw = m[0];
  if (name.startsWith('env.')) return { end: i + raw.length, ref: { raw, key: name.slice(4), namespaces: ['env'], name } };
  return { end: i + raw.length, ref: { raw, key: name, namespaces: ['param'], name } };
}

/** `${...}` with balanced braces; the index after the closing brace, or -1 (also past `maxCiInterpolationChars`). */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  const stop = Math.min(text.length, open + maxCiInterpolationChars);
  for (let j = open; j < stop; j++) {
    const ch = text[j];
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

function matchGroovy(text: string, i: number): RefMatch | undefined {
  if (text[i + 1] === '{') {
    const end = closingBrace(text, i + 1);
    if (end < 0) return undefined;
    const expr = text.slice(i + 2, end - 1).trim();
    return { end, ref: groovyRef(text.slice(i, end), expr) };
  }
  if (!identStart.test(text[i + 1] ?? '')) return undefined;
  // `$a.b.c` is a property path in a GString
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)/.exec(text.slice(i, i + 300));
  if (m?.[1] === undefined) return undefined;
  return { end: i + m[0].length, ref: groovyRef(m[0], m[1]) };
}

function groovyRef(raw: string, expr: string): VarRef {
  const env = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
  if (env?.[1] !== undefined) return { raw, key: env[1], namespaces: ['env'], name: env[1] };
  // Jenkins build parameters: known only through a declared default, named `params.X` when unknown
  const param = /^params\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
  if (param?.[1] !== undefined) return { raw, key: param[1], namespaces: ['param'], name: expr };
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(expr)) return { raw, key: expr, namespaces: ['lang', 'env'], name: expr };
  return { raw, key: undefined, namespaces: [], name: expr };
}

function matchKotlin(text: string, i: number): RefMatch | undefined {
  if (text.startsWith("${'$'}", i)) return { end: i + 6, literal: '$' };
  let raw: string;
  let expr: string;
  if (text[i + 1] === '{') {
    const end = closingBrace(text, i + 1);
    if (end < 0) return undefined;
    raw = text.slice(i, end);
    expr = raw.slice(2, -1).trim();
  } else {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i, i + 300));
    if (m?.[1] === undefined) return undefined;
    raw = m[0];
    expr = m[1];
  }
  const isIdent = /^[A-Za-z_][A-Za-z0-9_]*$/.test(expr);
  return { end: i + raw.length, ref: { raw, key: isIdent ? expr : undefined, namespaces: ['lang'], name: expr, passThrough: true } };
}

/**
 * Shell parameter expansion at `i` (text starts with `$`). `$(...)` and `` `...` `` are handled by
 * the shell tokenizer; here they are unknown references named by their text.
 */
function matchShell(text: string, i: number, full: boolean): RefMatch | undefined {
  const next = text[i + 1] ?? '';
  if (next === '{') {
    const end = closingBrace(text, i + 1);
    if (end < 0) return undefined;
    const raw = text.slice(i, end);
    return { end, ref: shellBraced(raw, raw.slice(2, -1), full) };
  }
  if (identStart.test(next)) {
    let j = i + 1;
    while (j < text.length && identChar.test(text[j] ?? '')) j++;
    const name = text.slice(i + 1, j);
    return { end: j, ref: { raw: text.slice(i, j), key: name, namespaces: ['env'], name } };
  }
  if (!full) return undefined;
  if (next === '(') {
    const end = closingParen(text, i + 1);
    const raw = text.slice(i, end);
    return { end, ref: { raw, key: undefined, namespaces: [], name: raw, asWritten: true } };
  }
  if (/[0-9@*#?$!-]/.test(next)) {
    const raw = text.slice(i, i + 2);
    return { end: i + 2, ref: { raw, key: undefined, namespaces: [], name: raw, asWritten: true } };
  }
  return undefined;
}

/** Index after the `)` matching the `(` at `open` (quotes inside are skipped), or text end. */
export function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    const ch = text[j];
    if (ch === '\\') j++;
    else if (ch === "'" || ch === '"') {
      const close = text.indexOf(ch, j + 1);
      j = close < 0 ? text.length : close;
    } else if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return text.length;
}

function shellBraced(raw: string, inner: string, full: boolean): VarRef {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(.*)$/s.exec(inner);
  if (m?.[1] === undefined) return { raw, key: undefined, namespaces: [], name: inner };
  const name = m[1];
  const rest = m[2] ?? '';
  if (rest === '') return { raw, key: name, namespaces: ['env'], name };
  if (full) {
    const op = /^(:?)([-=])(.*)$/s.exec(rest);
    if (op !== null) {
      return { raw, key: name, namespaces: ['env'], name, fallback: { text: op[3] ?? '', whenEmpty: op[1] === ':', op: op[2] === '=' ? '=' : '-' } };
    }
  }
  return { raw, key: name, namespaces: ['env'], name, unevaluated: true };
}

/** Resolves text; `guard` holds the bindings being resolved (a cycle makes the reference unknown). */
export function resolveText(text: string, syntaxes: readonly RefSyntax[], scope: Scope, guard: ReadonlySet<Binding> = new Set()): Resolved {
  let resolved = '';
  const unknowns: string[] = [];
  const parts: Resolved[] = [];
  for (const segment of segmentsOf(text, syntaxes)) {
    if (segment.kind === 'text') {
      resolved += segment.text;
      continue;
    }
    const part = resolveRef(segment.ref, syntaxes, scope, guard);
    resolved += part.resolved;
    pushAll(unknowns, part.unknowns);
    parts.push(part);
  }
  return { resolved, unknowns: unique(unknowns), ...assumedField(...parts) };
}

/** The value of one reference. */
export function resolveRef(ref: VarRef, syntaxes: readonly RefSyntax[], scope: Scope, guard: ReadonlySet<Binding> = new Set()): Resolved {
  const value = lookup(ref, scope, guard);
  if (ref.unevaluated === true) {
    return { resolved: ref.raw, unknowns: [ref.name] };
  }
  if (ref.fallback !== undefined) {
    const fallback = ref.fallback;
    if (value !== undefined) {
      // set: its value wins unless it is empty and the operator has `:`
      const knownNonEmpty = value.resolved.replace(/\$\{[^}]*\}/g, '') !== '';
      if (!fallback.whenEmpty || knownNonEmpty) return value;
      if (value.unknowns.length === 0) {
        // the fallback is used because the (perhaps assumed) value is empty
        const used = resolveText(fallback.text, syntaxes, scope, guard);
        return { ...used, ...assumedField(value, used) };
      }
    } else if (scope.get(ref.name, ref.namespaces) !== undefined) {
      return { resolved: ref.raw, unknowns: [ref.name] };
    }
    // unset in the file (or unknowably empty), but the CI system may set it: keep the expression
    const inner = resolveText(fallback.text, syntaxes, scope, guard);
    const op = `${fallback.whenEmpty ? ':' : ''}${fallback.op}`;
    return { resolved: `\${${ref.name}${op}${inner.resolved}}`, unknowns: unique([ref.name, ...inner.unknowns]), ...assumedField(inner) };
  }
  if (value !== undefined) return value;
  if (ref.passThrough === true) return { resolved: ref.raw, unknowns: [] };
  if (ref.asWritten === true) return { resolved: ref.raw, unknowns: [ref.name] };
  return { resolved: `\${${ref.name}}`, unknowns: [ref.name] };
}

function lookup(ref: VarRef, scope: Scope, guard: ReadonlySet<Binding>): Resolved | undefined {
  if (ref.key === undefined) return undefined;
  const binding = scope.get(ref.key, ref.namespaces);
  if (binding === undefined || binding.kind === 'unknown') return undefined;
  if (binding.kind === 'value') return { resolved: binding.resolved, unknowns: binding.unknowns, ...assumedField(binding) };
  if (guard.has(binding)) return undefined;
  const inner = new Set(guard);
  inner.add(binding);
  return resolveText(binding.raw, binding.syntaxes, binding.dynamic === true ? scope : binding.scope, inner);
}
