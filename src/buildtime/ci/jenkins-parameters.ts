/**
 * Jenkins build parameters, declarative (`parameters { string(name: 'V', defaultValue: '1.0') }`)
 * and scripted (`properties([parameters([string(…)])])`, also the `[$class: 'StringParameterDefinition', …]`
 * form). A run may set any of them, so a declared default is only what a run with the defaults
 * gets: values resolved from it are marked `assumed` (`params.V`). Passwords stay unknown (secrets),
 * and so does a parameter without a default the file gives.
 */
import { isIdent, isPunct, matchingParen, namedArg, splitArgs, stringText, type Item, type Token } from './brace-lang.js';
import { expressionValue, type ExprContext } from './groovy-values.js';
import type { CiValue } from './model.js';
import { assumedField, literal, type Binding, type Scope } from './values.js';
import { pushAll } from '../../core/collections.js';
import { ownEntry } from '../../core/records.js';

type JenkinsParameterKind = 'string' | 'text' | 'boolean' | 'choice' | 'password' | 'other';

export interface JenkinsParameter {
  name: string;
  kind: JenkinsParameterKind;
  /** What a run that does not set the parameter gets; undefined when the file does not say (or a secret). */
  defaultValue: CiValue | undefined;
  line: number;
}

const kindsByCall: Readonly<Record<string, JenkinsParameterKind>> = {
  string: 'string',
  text: 'text',
  booleanParam: 'boolean',
  choice: 'choice',
  password: 'password',
};

const kindsByClass: Readonly<Record<string, JenkinsParameterKind>> = {
  StringParameterDefinition: 'string',
  TextParameterDefinition: 'text',
  BooleanParameterDefinition: 'boolean',
  ChoiceParameterDefinition: 'choice',
  PasswordParameterDefinition: 'password',
};

/**
 * Every parameter declared anywhere in the file, in file order, each bound in `scope` as soon as it
 * is read (a default may read an earlier parameter; a later declaration of a name wins).
 */
export function bindDeclaredParameters(items: readonly Item[], scope: Scope, diagnostics: string[]): JenkinsParameter[] {
  const ctx: ExprContext = { scope, syntax: 'groovy', textSyntaxes: [] };
  const found: JenkinsParameter[] = [];
  const visit = (list: readonly Item[]): void => {
    for (const item of list) {
      if (item.kind === 'statement') {
        for (const declaration of scriptedDeclarations(item.tokens)) pushParameter(found, declaration, ctx, diagnostics);
        continue;
      }
      const { head, body } = item.block;
      if (head.length === 1 && isIdent(head[0], 'parameters')) {
        for (const entry of body) if (entry.kind === 'statement') pushParameter(found, entry.tokens, ctx, diagnostics);
        continue;
      }
      visit(body);
    }
  };
  visit(items);
  return found;
}

/**
 * Binds a parameter as Jenkins exposes it: `params.X` and the environment variable X (so `env.X`, a
 * bare `X` in Groovy and `$X` in `sh` scripts see it too).
 */
function bindParameter(parameter: JenkinsParameter, scope: Scope): void {
  const value = parameter.defaultValue;
  const binding: Binding =
    value === undefined
      ? { kind: 'unknown' }
      : { kind: 'value', resolved: value.resolved, unknowns: value.unknowns, ...assumedField({ assumed: [`params.${parameter.name}`] }, value) };
  scope.set(parameter.name, binding, 'param');
  scope.set(parameter.name, binding, 'env');
}

/** The declarations inside `properties([… parameters([decl, decl]) …])`. */
function scriptedDeclarations(tokens: readonly Token[]): Token[][] {
  if (!tokens.some((t) => isIdent(t, 'properties'))) return [];
  const declarations: Token[][] = [];
  for (let k = 0; k < tokens.length; k++) {
    if (!isIdent(tokens[k], 'parameters') || !isPunct(tokens[k + 1], '(') || !isPunct(tokens[k + 2], '[')) continue;
    const close = matchingParen(tokens, k + 2);
    if (close < 0) continue;
    pushAll(declarations, splitArgs(tokens.slice(k + 3, close)));
    k = close;
  }
  return declarations;
}

/** One declaration: `kind(name: …, …)` or `[$class: 'KindParameterDefinition', name: …, …]`. */
function pushParameter(found: JenkinsParameter[], tokens: readonly Token[], ctx: ExprContext, diagnostics: string[]): void {
  const meaningful = tokens.filter((t) => t.kind !== 'newline');
  const first = meaningful[0];
  if (first === undefined) return;
  let kind: JenkinsParameterKind;
  let args: Token[][];
  if (first.kind === 'ident' && isPunct(meaningful[1], '(')) {
    kind = ownEntry(kindsByCall, first.text) ?? 'other';
    args = splitArgs(meaningful.slice(2, closeOf(meaningful, 1)));
  } else if (isPunct(first, '[')) {
    args = splitArgs(meaningful.slice(1, closeOf(meaningful, 0)));
    const className = stringText(namedArg(args, '$class')?.[0]);
    kind = (className === undefined ? undefined : ownEntry(kindsByClass, className)) ?? 'other';
  } else return;
  const name = stringText(namedArg(args, 'name')?.[0]);
  if (name === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return;
  const parameter: JenkinsParameter = { name, kind, defaultValue: defaultOf(kind, args, name, first.line, ctx, diagnostics), line: first.line };
  found.push(parameter);
  bindParameter(parameter, ctx.scope);
}

function closeOf(tokens: readonly Token[], open: number): number {
  const close = matchingParen(tokens, open);
  return close < 0 ? tokens.length : close;
}

function defaultOf(
  kind: JenkinsParameterKind,
  args: readonly Token[][],
  name: string,
  line: number,
  ctx: ExprContext,
  diagnostics: string[],
): CiValue | undefined {
  switch (kind) {
    case 'password':
    case 'other':
      return undefined;
    case 'boolean': {
      const tokens = namedArg(args, 'defaultValue');
      // an unticked box by default
      if (tokens === undefined) return literal('false');
      return constantOf(tokens) ?? unsettled(name, line, diagnostics);
    }
    case 'choice':
      return firstChoice(namedArg(args, 'choices'), ctx) ?? unsettled(name, line, diagnostics);
    case 'string':
    case 'text': {
      const tokens = namedArg(args, 'defaultValue');
      if (tokens === undefined) return undefined;
      const value = constantOf(tokens) ?? expressionValue(tokens, ctx);
      if (value === undefined) return unsettled(name, line, diagnostics);
      // `trim: true` trims what the run passes, the default included
      const trim = namedArg(args, 'trim');
      return trim !== undefined && isIdent(trim[0], 'true') ? { ...value, resolved: value.resolved.trim() } : value;
    }
  }
}

/** `true`, `false`, a number: Groovy constants, not variables. */
function constantOf(tokens: readonly Token[]): CiValue | undefined {
  const meaningful = tokens.filter((t) => t.kind !== 'newline');
  const only = meaningful[0];
  if (meaningful.length !== 1 || only === undefined) return undefined;
  if (only.kind === 'number' || (only.kind === 'ident' && (only.text === 'true' || only.text === 'false'))) return literal(only.text);
  return undefined;
}

/** The first choice, which Jenkins offers by default: `choices: ['a', 'b']` or the older `choices: 'a\nb'`. */
function firstChoice(tokens: readonly Token[] | undefined, ctx: ExprContext): CiValue | undefined {
  if (tokens === undefined) return undefined;
  const meaningful = tokens.filter((t) => t.kind !== 'newline');
  if (isPunct(meaningful[0], '[')) {
    const first = splitArgs(meaningful.slice(1, closeOf(meaningful, 0)))[0];
    return first === undefined ? undefined : (constantOf(first) ?? expressionValue(first, ctx));
  }
  const all = expressionValue(meaningful, ctx);
  if (all === undefined) return undefined;
  const firstLine = all.resolved.split('\n')[0] ?? '';
  return { ...all, raw: all.raw.split('\n')[0] ?? all.raw, resolved: firstLine };
}

function unsettled(name: string, line: number, diagnostics: string[]): undefined {
  diagnostics.push(`line ${line}: the default of parameter ${name} is not a value the file settles; params.${name} stays unknown`);
  return undefined;
}
