import { afterControlWords, maxScriptNesting, programIndex, programName, shellScriptIndex, substitutedScript } from '../shell/commands.js';
import { commandsOf as lex, plainSource, wordLiteral } from '../shell/lexer.js';
import { pushAll } from '../../core/collections.js';

/** One simple command of a RUN: its words, quotes removed, expansions as written. */
export type ShellCommand = string[];

/** Commands joined by `|`: `curl … | sh` is one pipeline of two commands. */
export type Pipeline = ShellCommand[];

/** A RUN's shell text read by the build phase's one lexer (`build/shell/`). */
export interface RunScript {
  pipelines: Pipeline[];
  /** Every simple command, those of `sh -c '…'` and `$(…)` scripts included (to `maxScriptNesting` levels). */
  commands: ShellCommand[];
}

/**
 * Splits shell text into pipelines of simple commands with the shared lexer; leading control
 * words (`if`, `then`, `do`…) are dropped, redirections are not words.
 */
export function pipelinesOf(text: string): Pipeline[] {
  return read(text, maxScriptNesting, []);
}

/** Every simple command of the text, pipelines flattened. */
export function commandsOf(text: string): ShellCommand[] {
  return pipelinesOf(text).flat();
}

/**
 * The pipelines of a RUN and all its simple commands, adding those hidden in `sh -c "…"` scripts
 * and `$(…)` substitutions, so that `sh -c "$(curl -k …)"` or `bash -ec 'apt-get install x'` are
 * seen by the rules.
 */
export function runScript(text: string): RunScript {
  const nested: ShellCommand[] = [];
  const pipelines = read(text, 0, nested);
  return { pipelines, commands: [...pipelines.flat(), ...nested] };
}

/** Pipelines of `text`; the commands of scripts nested in it are added to `nested`. */
function read(text: string, level: number, nested: ShellCommand[]): Pipeline[] {
  const pipelines: Pipeline[] = [];
  let pipeline: Pipeline = [];
  const scripts: string[] = [];
  for (const command of lex(plainSource(text, 1))) {
    const words = command.words.map((w) => wordLiteral(w));
    // count, then cut once: shifting word by word is quadratic in `{ { { … }`
    const start = afterControlWords(words);
    if (start < words.length) pipeline.push(start === 0 ? words : words.slice(start));
    if (command.next !== '|') {
      if (pipeline.length > 0) pipelines.push(pipeline);
      pipeline = [];
    }
    if (level >= maxScriptNesting) continue;
    for (const word of command.words) {
      for (const part of word.parts) {
        const script = part.kind === 'expansion' ? substitutedScript(part.text) : undefined;
        if (script !== undefined) scripts.push(script);
      }
    }
    const run = unwrap(words.slice(start));
    const script = shellScriptIndex(run);
    if (script !== undefined) scripts.push(run[script] ?? '');
  }
  if (pipeline.length > 0) pipelines.push(pipeline);
  for (const script of scripts) {
    const inner: ShellCommand[] = [];
    pushAll(nested, read(script, level + 1, inner).flat());
    pushAll(nested, inner);
  }
  return pipelines;
}

/**
 * The command with leading `VAR=value` assignments and wrappers (`sudo -E -u app`, `env A=1`,
 * `nice -n 5`, `timeout 10`…) removed, so `DEBIAN_FRONTEND=noninteractive sudo apt-get install x`
 * reads as `apt-get install x`.
 */
export function unwrap(command: ShellCommand): ShellCommand {
  const start = programIndex(command);
  return start === 0 ? command : command.slice(start);
}

/** The program name of a command without its directory (`/usr/bin/apt-get` → `apt-get`). */
export function programOf(command: ShellCommand): string {
  return programName(unwrap(command)[0] ?? '');
}

/** Whether the command has the flag: a long `--name`/`--name=…` or a short letter inside `-xyz`. */
export function hasFlag(command: ShellCommand, long: readonly string[], short: readonly string[] = []): boolean {
  return command.some((w) => {
    if (w.startsWith('--')) return long.some((l) => w === l || w.startsWith(`${l}=`));
    if (w.startsWith('-') && w.length > 1) return short.some((s) => w.slice(1).includes(s));
    return false;
  });
}
