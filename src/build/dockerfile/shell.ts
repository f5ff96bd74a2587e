/** One simple command of a RUN: its words, quotes removed. */
export type ShellCommand = string[];

/** Commands joined by `|`: `curl … | sh` is one pipeline of two commands. */
export type Pipeline = ShellCommand[];

const wrappers = new Set(['sudo', 'env', 'command', 'exec', 'time', 'nohup', 'nice', 'xargs']);

/**
 * Splits shell text into pipelines of simple commands, close enough to POSIX sh for linting:
 * quotes and backslashes are honoured, `&&`, `||`, `;`, `&`, newlines and parentheses separate
 * commands, `|` chains them in a pipeline, `#` starts a comment. Not a full parser: no
 * expansions, and control keywords (`if`, `then`, `do`…) are dropped as leading words.
 */
export function pipelinesOf(text: string): Pipeline[] {
  const pipelines: Pipeline[] = [];
  let pipeline: Pipeline = [];
  let command: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = (): void => {
    if (inWord) command.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    // count, then cut once: shifting word by word is quadratic in `{ { { … }`
    let control = 0;
    while (control < command.length && controlWords.has(command[control] ?? '')) control++;
    if (control < command.length) pipeline.push(control === 0 ? command : command.slice(control));
    command = [];
  };
  const endPipeline = (): void => {
    endCommand();
    if (pipeline.length > 0) pipelines.push(pipeline);
    pipeline = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      word += text.slice(i + 1, stop);
      inWord = true;
      i = stop;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        word += text[i] ?? '';
      }
    } else if (c === '\\') {
      if (text[i + 1] === '\n') i++;
      else {
        word += text[i + 1] ?? '';
        inWord = true;
        i++;
      }
    } else if (c === '#' && !inWord) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
    } else if (c === '|' && text[i + 1] !== '|') {
      endCommand();
    } else if (c === '&' && text[i + 1] === '>') {
      endWord(); // `&>` redirection: keep it inside the command
      command.push('&>');
      i++;
    } else if (c === '&' || c === '|' || c === ';' || c === '\n' || c === '(' || c === ')' || c === '`') {
      if ((c === '&' || c === '|') && text[i + 1] === c) i++;
      endPipeline();
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endPipeline();
  return pipelines;
}

const controlWords = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}']);

/** Every simple command of the text, pipelines flattened. */
export function commandsOf(text: string): ShellCommand[] {
  return pipelinesOf(text).flat();
}

/**
 * The command with leading `VAR=value` assignments and wrappers (`sudo -E`, `env`, `exec`…)
 * removed, so `DEBIAN_FRONTEND=noninteractive sudo apt-get install x` reads as `apt-get install x`.
 */
export function unwrap(command: ShellCommand): ShellCommand {
  let i = 0;
  while (i < command.length) {
    const w = command[i] ?? '';
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) i++;
    else if (wrappers.has(w)) {
      i++;
      while (i < command.length && (command[i] ?? '').startsWith('-')) i++;
    } else break;
  }
  return command.slice(i);
}

/** The program name of a command without its directory (`/usr/bin/apt-get` → `apt-get`). */
export function programOf(command: ShellCommand): string {
  const first = unwrap(command)[0] ?? '';
  return first.slice(first.lastIndexOf('/') + 1);
}

/** Whether the command has the flag: a long `--name`/`--name=…` or a short letter inside `-xyz`. */
export function hasFlag(command: ShellCommand, long: readonly string[], short: readonly string[] = []): boolean {
  return command.some((w) => {
    if (w.startsWith('--')) return long.some((l) => w === l || w.startsWith(`${l}=`));
    if (w.startsWith('-') && w.length > 1) return short.some((s) => w.slice(1).includes(s));
    return false;
  });
}
