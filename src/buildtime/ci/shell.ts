/**
 * Shell analysis shared by every CI system: `run:`, `sh '…'`, `script:` and `scriptContent` text is
 * split into commands (those of `sh -c '…'`, `$(…)` and backticks too), variables assigned earlier
 * in the script are tracked (`TAG=…`, `export`), as are the working directory (`cd`) and `set -e` /
 * `pipefail`, and each command is handed to the tool recognisers. Whether a scan's failure fails the
 * job is then weakened by what surrounds it: `|| true`, a pipe without pipefail, an `if` condition,
 * `set +e`, `continue-on-error`.
 */
import type { CiValue } from './model.js';
import { isKnownProgram, recognizeCommand } from './shell-tools.js';
import { afterControlWords, conditionWords, maxScriptNesting, programIndex, programName, shellScriptIndex, substitutedScript } from '../shell/commands.js';
import { commandsOf, plainSource, type ShellText, type SimpleCommand, type Word } from '../shell/lexer.js';
import type { StepDraft } from './steps.js';
import type { ToolContext } from './tool-context.js';
import { repoPath } from './tool-context.js';
import { assumedField, literal, resolveRef, Scope, segmentsOf, unique, type Binding, type Resolved } from './values.js';
import { pushAll } from '../../core/collections.js';

/** A CI script for the shared lexer: its markers stand for values substituted before the shell ran. */
export interface ShellSource extends ShellText {
  markers: readonly CiValue[];
}

export interface ShellOptions {
  /** What the script's environment holds (a child scope takes the script's own assignments). */
  scope?: Scope;
  /** Working directory relative to the repository root (`.`). */
  cwd?: CiValue;
  /** Variables naming the checkout directory. */
  workspaceVars?: readonly string[];
  /** Where problems are reported. */
  diagnostics?: string[];
  /** `set -e` in effect when the script starts (Jenkins `sh`, GitHub bash and GitLab: yes; TeamCity: no). */
  errexit?: boolean;
  /** `set -o pipefail` in effect when the script starts. */
  pipefail?: boolean;
}

export interface RunOptions {
  /** Failures of the whole step are ignored (`continue-on-error`, `allow_failure`). */
  ignoreFailure?: boolean;
}

const declareWords = new Set(['export', 'readonly', 'local', 'declare', 'typeset']);
const assignment = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/;

/** One shell: assignments, `cd` and `set` carry over from one script text to the next. */
export class ShellSession {
  readonly scope: Scope;
  cwd: CiValue;
  private errexit: boolean;
  private pipefail: boolean;
  private readonly dirStack: CiValue[] = [];
  private readonly workspaceVars: readonly string[];
  readonly diagnostics: string[];
  /** `$(…)` the calling shell ran (`sh -c "x $(y)"`): in this one's text they stand for output, not scripts. */
  private ranOutside: ReadonlySet<string> = new Set();

  constructor(options: ShellOptions = {}) {
    this.scope = (options.scope ?? new Scope()).child();
    this.cwd = options.cwd ?? literal('.');
    this.workspaceVars = options.workspaceVars ?? [];
    this.diagnostics = options.diagnostics ?? [];
    this.errexit = options.errexit ?? true;
    this.pipefail = options.pipefail ?? false;
  }

  /** The image-related steps of one script text, in order. */
  run(source: ShellSource, options: RunOptions = {}, depth = 0): StepDraft[] {
    const commands = commandsOf(source);
    const steps: StepDraft[] = [];
    commands.forEach((command, index) => {
      // `$(…)` and backticks run before the command that takes their output
      const found = [...this.substitutions(command, source, depth), ...this.command(command, source, depth)];
      if (found.length === 0) return;
      const weaken = this.gatingOf(commands, index, options);
      for (const step of found) {
        if (step.kind === 'security' && step.gating === true && weaken !== true) step.gating = weaken;
        steps.push(step);
      }
    });
    return steps;
  }

  private command(command: SimpleCommand, source: ShellSource, depth: number): StepDraft[] {
    // `if`, `then`, `!`…: the command follows (gatingOf weighs the condition). An index, not a
    // slice per word: `{ { { … docker build` must stay linear.
    const skip = afterControlWords(command.words.map(literalOf));
    let words = skip === 0 ? command.words : command.words.slice(skip);
    const first = literalOf(words[0]);
    if (first === undefined && words.length === 0) return [];
    if (first === 'for' && words[1] !== undefined) {
      // the loop variable takes values from a list: not one value
      const name = literalOf(words[1]);
      if (name !== undefined) this.scope.set(name, { kind: 'unknown' });
      return [];
    }
    if (first === 'case' || first === 'function' || (first !== undefined && /^[A-Za-z_][A-Za-z0-9_]*\(\)$/.test(first))) return [];

    // leading assignments: for this command only, or for the rest of the script when alone
    let scope = this.scope;
    let k = 0;
    while (k < words.length && assignmentOf(words[k]) !== undefined) k++;
    if (k === words.length) {
      for (const word of words) this.assign(word, source, this.scope);
      return [];
    }
    if (k > 0) {
      scope = this.scope.child();
      for (const word of words.slice(0, k)) this.assign(word, source, scope);
      words = words.slice(k);
    }
    const name = literalOf(words[0]);
    if (name !== undefined && declareWords.has(name)) {
      for (const word of words.slice(1)) if (assignmentOf(word) !== undefined) this.assign(word, source, this.scope);
      return [];
    }

    const all = words.map((w) => wordValue(w, source, scope));
    // wrappers: `sudo -E -u app docker …`, `env A=b docker …`, `nice -n 5 docker …`
    const start = programIndex(all.map((v) => v.resolved));
    const values = start === 0 ? all : all.slice(start);
    const program = values[0];
    if (program === undefined) return [];
    const ctx: ToolContext = {
      line: command.line,
      cwd: this.cwd,
      workspaceVars: this.workspaceVars,
      diagnostics: this.diagnostics,
      stdin: command.stdin === undefined ? undefined : wordValue(command.stdin, source, scope),
      depth,
    };
    const script = shellScriptIndex(values.map((v) => v.resolved));
    if (script !== undefined) {
      const text = values[script];
      if (text === undefined || depth >= maxScriptNesting) return [];
      // the inner shell sees the text as this one resolved it: the `$(…)` in it ran here
      const inner = this.child(scope, false);
      inner.ranOutside = new Set(text.unknowns);
      return inner.run(plainSource(text.resolved, command.line), {}, depth + 1).map((s) => ({ ...s, line: command.line }));
    }
    switch (program.resolved) {
      case 'cd':
        this.cd(values[1], ctx);
        return [];
      case 'pushd':
        this.dirStack.push(this.cwd);
        this.cd(values[1], ctx);
        return [];
      case 'popd':
        this.cwd = this.dirStack.pop() ?? this.cwd;
        return [];
      case 'set':
        this.set(values.slice(1));
        return [];
      case 'eval':
        this.diagnostics.push(`line ${command.line}: eval is not followed`);
        return [];
      default:
        break;
    }
    if (program.unknowns.length > 0 && /^\$/.test(program.raw)) {
      const verb = values[1]?.resolved ?? '';
      if (['build', 'push', 'login', 'tag', 'bud', 'buildx', 'image', 'copy'].includes(verb)) {
        this.diagnostics.push(`line ${command.line}: command name is a variable (${program.raw} ${verb}); not read`);
      }
      return [];
    }
    if (!isKnownProgram(programName(program.resolved))) return [];
    return recognizeCommand(values, ctx);
  }

  /**
   * Steps of the `$(…)` and backtick scripts in a command's words, read at its line. Each runs in a
   * subshell: it sees this shell's variables and directory and changes neither. Only in `NAME=$(…)`
   * standing alone is the last one's status the command's; elsewhere a scan inside may not gate.
   */
  private substitutions(command: SimpleCommand, source: ShellSource, depth: number): StepDraft[] {
    if (depth >= maxScriptNesting) return [];
    const scripts = command.words.flatMap((word) =>
      word.parts.flatMap((part) => (part.kind === 'expansion' && !this.ranOutside.has(part.text) ? (substitutedScript(part.text) ?? []) : [])),
    );
    if (scripts.length === 0) return [];
    const words = command.words.slice(afterControlWords(command.words.map(literalOf)));
    const carriesStatus = words.every((word) => assignmentOf(word) !== undefined);
    return scripts.flatMap((text, k) => {
      // the outer markers: `${{ }}` and Groovy values were substituted into the whole text
      const steps = this.child(this.scope, this.pipefail).run({ text, markers: source.markers, lineMap: [command.line] }, {}, depth + 1);
      const decidesStatus = carriesStatus && k === scripts.length - 1;
      if (!decidesStatus) for (const step of steps) if (step.kind === 'security' && step.gating === true) step.gating = undefined;
      return steps;
    });
  }

  /** A shell this one starts (`sh -c`, a subshell): it shares the directory, checkout names and diagnostics. */
  private child(scope: Scope, pipefail: boolean): ShellSession {
    return new ShellSession({ scope, cwd: this.cwd, workspaceVars: this.workspaceVars, diagnostics: this.diagnostics, errexit: false, pipefail });
  }

  /** `NAME=value`: a value resolved now, or unknown when it comes from a command's output. */
  private assign(word: Word | undefined, source: ShellSource, scope: Scope): void {
    const name = assignmentOf(word);
    if (word === undefined || name === undefined) return;
    const first = word.parts[0];
    if (first?.kind !== 'text') return;
    const append = first.text.startsWith(`${name}+=`);
    const rest: Word = { parts: [{ kind: 'text', text: first.text.slice(name.length + (append ? 2 : 1)) }, ...word.parts.slice(1)] };
    const dynamic = rest.parts.some((p) => p.kind === 'expansion' && (p.text.startsWith('$(') || p.text.startsWith('`')));
    if (dynamic) {
      scope.set(name, { kind: 'unknown' });
      return;
    }
    let value = wordValue(rest, source, scope);
    if (append) {
      const before = wordValue({ parts: [{ kind: 'expansion', text: `\${${name}}` }] }, source, scope);
      value = {
        raw: value.raw,
        resolved: before.resolved + value.resolved,
        unknowns: unique([...before.unknowns, ...value.unknowns]),
        ...assumedField(before, value),
      };
    }
    const binding: Binding = { kind: 'value', resolved: value.resolved, unknowns: value.unknowns, ...assumedField(value) };
    scope.set(name, binding);
  }

  private cd(target: CiValue | undefined, ctx: ToolContext): void {
    if (target === undefined || target.resolved === '~' || target.resolved === '-') {
      this.cwd = { raw: target?.raw ?? '~', resolved: '${HOME}', unknowns: ['HOME'] };
      return;
    }
    this.cwd = repoPath(target, ctx);
  }

  private set(args: CiValue[]): void {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]?.resolved ?? '';
      const sign = arg[0];
      if (sign !== '-' && sign !== '+') continue;
      const on = sign === '-';
      for (const letter of arg.slice(1)) {
        if (letter === 'e') this.errexit = on;
        if (letter === 'o' && args[i + 1]?.resolved === 'pipefail') this.pipefail = on;
        if (letter === 'o' && args[i + 1]?.resolved === 'errexit') this.errexit = on;
      }
    }
  }

  /**
   * What happens to a failing command at `index`: `true` it fails the job, `false` provably not,
   * `undefined` cannot tell.
   */
  private gatingOf(commands: readonly SimpleCommand[], index: number, options: RunOptions): boolean | undefined {
    const command = commands[index];
    if (command === undefined) return undefined;
    if (options.ignoreFailure === true) return false;
    if (command.next === '||') return orAlternative(commands, index);
    if (command.next === '|' && !this.pipefail) return undefined;
    if (command.next === '&') return undefined;
    const first = literalOf(command.words[0]);
    if (first !== undefined && conditionWords.has(first)) return undefined;
    if (!this.errexit && index !== commands.length - 1) return undefined;
    return true;
  }
}

/** `scan || …`: the failure still fails the job only if the alternative exits non-zero. */
function orAlternative(commands: readonly SimpleCommand[], index: number): boolean | undefined {
  const command = commands[index];
  if (command === undefined) return undefined;
  let verdict: boolean | undefined = false;
  for (let j = index + 1; j < commands.length; j++) {
    const alt = commands[j];
    const previous = commands[j - 1];
    if (alt === undefined || previous === undefined) break;
    if (j > index + 1 && alt.depth <= command.depth && !['&&', '||', '|'].includes(previous.next)) break;
    const [name, arg] = alt.words.map((w) => literalOf(w));
    if (name === 'false') return true;
    if (name === 'exit' || name === 'return') {
      if (arg === undefined && alt.words.length > 1) verdict = undefined;
      else if (arg !== undefined && arg !== '0') return true;
      else if (arg === undefined) verdict = undefined;
    }
  }
  return verdict;
}

/** The word's text when it has no expansions or markers. */
function literalOf(word: Word | undefined): string | undefined {
  if (word === undefined) return undefined;
  let text = '';
  for (const part of word.parts) {
    if (part.kind !== 'text') return undefined;
    text += part.text;
  }
  return text;
}

function assignmentOf(word: Word | undefined): string | undefined {
  const first = word?.parts[0];
  if (first?.kind !== 'text') return undefined;
  return assignment.exec(first.text)?.[1];
}

/** A word as written (quotes removed) and resolved against `scope`. */
export function wordValue(word: Word, source: ShellSource, scope: Scope): CiValue {
  let raw = '';
  let resolved = '';
  const unknowns: string[] = [];
  const used: Resolved[] = [];
  for (const part of word.parts) {
    if (part.kind === 'text') {
      raw += part.text;
      resolved += part.text;
    } else if (part.kind === 'marker') {
      const marker = source.markers[part.index];
      if (marker === undefined) continue;
      raw += marker.raw;
      resolved += marker.resolved;
      pushAll(unknowns, marker.unknowns);
      used.push(marker);
    } else {
      raw += part.text;
      if (part.text.startsWith('`')) {
        resolved += part.text;
        unknowns.push(part.text);
        continue;
      }
      for (const segment of segmentsOf(part.text, ['shell'])) {
        if (segment.kind === 'text') {
          resolved += segment.text;
          continue;
        }
        const value = resolveRef(segment.ref, ['shell'], scope);
        resolved += value.resolved;
        pushAll(unknowns, value.unknowns);
        used.push(value);
      }
    }
  }
  return { raw, resolved, unknowns: unique(unknowns), ...assumedField(...used) };
}

/** Steps of a plain script (no pre-substituted values), for tests and simple callers. */
export function analyzeShell(text: string, options: ShellOptions & { firstLine?: number } = {}): StepDraft[] {
  return new ShellSession(options).run(plainSource(text, options.firstLine ?? 1));
}
