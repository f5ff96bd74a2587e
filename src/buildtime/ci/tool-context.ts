/** What a command recogniser knows about where it runs, and helpers for paths and image names. */
import type { CiValue } from './model.js';
import { joinPaths, normalizePath, stripWorkspace } from './names.js';
import { assumedField } from './values.js';

export interface ToolContext {
  /** File line of the command. */
  line: number;
  /** Working directory relative to the repository root. */
  cwd: CiValue;
  /** Variables that name the checkout directory (`CI_PROJECT_DIR`, `GITHUB_WORKSPACE`…). */
  workspaceVars: readonly string[];
  diagnostics: string[];
  /** `< file` of the command. */
  stdin: CiValue | undefined;
  /** How many `docker run` / `sh -c` levels deep (bounded). */
  depth: number;
}

/** A path argument → relative to the repository root. */
export function repoPath(value: CiValue, ctx: ToolContext): CiValue {
  const stripped = stripWorkspace(value, ctx.workspaceVars);
  if (stripped !== value) return stripped;
  return joinPaths(ctx.cwd, value);
}

/** `<context>/Dockerfile`: the file `docker build` reads when `-f` is not given. */
export function defaultDockerfile(context: CiValue): CiValue {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(context.resolved) || context.resolved === '-') return { raw: 'Dockerfile', resolved: 'Dockerfile', unknowns: [] };
  return {
    raw: context.raw === '.' || context.raw === '' ? 'Dockerfile' : `${context.raw.replace(/\/+$/, '')}/Dockerfile`,
    resolved: normalizePath(`${context.resolved}/Dockerfile`),
    unknowns: context.unknowns,
    ...assumedField(context),
  };
}

/** Removes a leading `prefix` (a transport such as `docker://`) from raw and resolved text. */
export function stripPrefix(value: CiValue, prefix: string): CiValue {
  if (!value.resolved.startsWith(prefix)) return value;
  return {
    ...value,
    raw: value.raw.startsWith(prefix) ? value.raw.slice(prefix.length) : value.raw,
    resolved: value.resolved.slice(prefix.length),
  };
}

/** The first of `prefixes` that `value` starts with. */
export function prefixOf(value: CiValue, prefixes: readonly string[]): string | undefined {
  return prefixes.find((p) => value.resolved.startsWith(p));
}

/**
 * Picks the one positional a tool expects (its image); with more than one (an option we do not know
 * took a value), the last, and says so.
 */
export function singlePositional(positionals: readonly CiValue[], tool: string, ctx: ToolContext): CiValue | undefined {
  if (positionals.length > 1) {
    ctx.diagnostics.push(`line ${ctx.line}: ${tool} has several operands (${positionals.map((p) => p.raw).join(' ')}): took the last as the image`);
  }
  return positionals[positionals.length - 1];
}
