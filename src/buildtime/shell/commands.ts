/**
 * What a simple command runs, asked the same way by the Dockerfile rules and the CI readers:
 * leading control words (`if`, `then`, `!`, `{`…), `VAR=value` assignments and wrappers with their
 * options (`sudo -E -u app`, `env -i A=1`, `nice -n 5`, `timeout -s KILL 10`, `xargs -r -n 1`)
 * come before the program; `sh -c '…'` and `$(…)` hold scripts of their own.
 */

/** How many `sh -c` / `$(…)` / tool-image levels are followed inside a script. */
export const maxScriptNesting = 3;

/** Words that open or close a compound command; the command proper follows them. */
const controlWords = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'esac']);

/** Control words after which a failing command does not fail the script (it is a condition). */
export const conditionWords = new Set(['if', 'elif', 'while', 'until', '!']);

interface Wrapper {
  /** Options taking the next word as their value (short letters and long names). */
  valued: readonly string[];
  /** Operands before the wrapped command (`timeout DURATION cmd`). */
  operands?: number;
  /** Options after which the wrapper does not run the command (`command -v docker` only looks it up). */
  lookup?: readonly string[];
  /** Whether `NAME=value` words after the options are part of the wrapper (`env A=1 cmd`). */
  assignments?: boolean;
}

const wrappers = new Map<string, Wrapper>(
  Object.entries({
    sudo: {
      valued: [
        '-u',
        '--user',
        '-g',
        '--group',
        '-h',
        '--host',
        '-p',
        '--prompt',
        '-C',
        '--close-from',
        '-D',
        '--chdir',
        '-r',
        '--role',
        '-t',
        '--type',
        '-U',
        '--other-user',
        '-T',
        '--command-timeout',
      ],
      assignments: true,
    },
    doas: { valued: ['-u', '-C'] },
    env: { valued: ['-u', '--unset', '-C', '--chdir', '-S', '--split-string'], assignments: true },
    command: { valued: [], lookup: ['-v', '-V'] },
    exec: { valued: ['-a'] },
    time: { valued: ['-f', '--format', '-o', '--output'] },
    nohup: { valued: [] },
    nice: { valued: ['-n', '--adjustment'] },
    ionice: { valued: ['-c', '--class', '-n', '--classdata', '-p', '--pid', '-P', '--pgid', '-u', '--uid'] },
    timeout: { valued: ['-s', '--signal', '-k', '--kill-after'], operands: 1 },
    xargs: {
      valued: [
        '-a',
        '--arg-file',
        '-d',
        '--delimiter',
        '-E',
        '-I',
        '-L',
        '--max-lines',
        '-n',
        '--max-args',
        '-P',
        '--max-procs',
        '-s',
        '--max-chars',
        '--process-slot-var',
      ],
    },
    stdbuf: { valued: ['-i', '--input', '-o', '--output', '-e', '--error'] },
  } satisfies Record<string, Wrapper>),
);

const assignment = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;

/** Whether the word is a `NAME=value` (or `NAME+=value`) assignment. */
function isAssignment(word: string): boolean {
  return assignment.test(word);
}

/** Index of the first word after leading control words (`if`, `then`, `{`…). */
export function afterControlWords(words: readonly (string | undefined)[]): number {
  let i = 0;
  while (i < words.length && controlWords.has(words[i] ?? '')) i++;
  return i;
}

/**
 * Index of the program the command runs, from `start`: leading assignments and wrappers with
 * their options and operands skipped; `words.length` when nothing is run (`command -v docker`,
 * `exec >log`). Linear in the words, however many wrappers are stacked.
 */
export function programIndex(words: readonly string[], start = 0): number {
  let i = start;
  while (i < words.length) {
    const word = words[i] ?? '';
    if (isAssignment(word)) {
      i++;
      continue;
    }
    const wrapper = wrappers.get(programName(word));
    if (wrapper === undefined) return i;
    i = skipOptions(words, i + 1, wrapper);
    if (i < 0) return words.length;
    if (wrapper.assignments === true) while (i < words.length && isAssignment(words[i] ?? '')) i++;
    i += wrapper.operands ?? 0;
  }
  return words.length;
}

/** Index after the wrapper's options from `i`; -1 when an option means the command is not run. */
function skipOptions(words: readonly string[], start: number, wrapper: Wrapper): number {
  let i = start;
  while (i < words.length) {
    const word = words[i] ?? '';
    if (word === '--') return i + 1;
    if (!word.startsWith('-') || word === '-') return i;
    if (wrapper.lookup?.includes(word) === true) return -1;
    i++;
    if (word.startsWith('--')) {
      if (!word.includes('=') && wrapper.valued.includes(word)) i++;
      continue;
    }
    // a short cluster: `-Eu app`, `-uapp`, `-n5`; a valued letter takes the rest or the next word
    for (let j = 1; j < word.length; j++) {
      if (wrapper.lookup?.includes(`-${word[j] ?? ''}`) === true) return -1;
      if (wrapper.valued.includes(`-${word[j] ?? ''}`)) {
        if (j === word.length - 1) i++;
        break;
      }
    }
  }
  return i;
}

/** The program name of a command word without its directory (`/usr/bin/apt-get` → `apt-get`). */
export function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

const shells = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);

/**
 * Index of the script of `sh -c 'script'` (`bash -ec`, `sh -xc` too) in words that start with
 * the program; undefined when the command is not a shell given a script.
 */
export function shellScriptIndex(words: readonly string[]): number | undefined {
  if (!shells.has(programName(words[0] ?? ''))) return undefined;
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? '';
    if (!word.startsWith('-') || word === '-' || word === '--') return undefined;
    if (/^-[A-Za-z]*c[A-Za-z]*$/.test(word) && !word.startsWith('--')) return i + 1 < words.length ? i + 1 : undefined;
    // `-o pipefail`: the option's value is not the script
    if (/^[-+][A-Za-z]*o$/.test(word)) i++;
  }
  return undefined;
}

/** The script inside a `$(…)` or backtick expansion, as written; undefined for other expansions. */
export function substitutedScript(expansion: string): string | undefined {
  if (expansion.startsWith('$(') && !expansion.startsWith('$((')) return expansion.slice(2, expansion.endsWith(')') ? -1 : undefined);
  if (expansion.startsWith('`')) return expansion.slice(1, expansion.length > 1 && expansion.endsWith('`') ? -1 : undefined);
  return undefined;
}
