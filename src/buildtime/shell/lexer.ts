/**
 * The one shell lexer of the build phase: Dockerfile `RUN` text and CI `run:` / `sh` / `script:`
 * text are split here. Shell text → simple commands of words, close enough to POSIX sh for
 * analysis: quotes, backslashes and line continuations, `&&` `||` `;` `|` `&` newlines and
 * parentheses between commands, comments, redirections (the target of `<` is kept:
 * `hadolint - < Dockerfile`), here-docs skipped. Expansions (`$X`, `${X:-d}`, `$(…)`, backticks)
 * are kept as written for the resolver. Values substituted before the shell runs (GitHub `${{ }}`,
 * Groovy interpolation, TeamCity `%p%`) arrive as markers: `\uE000<index>\uE001`, standing for
 * `markers[index]`. Linear in the text: a `$(…)` body is only measured here (callers lex it
 * again, to `maxScriptNesting` levels).
 */
import { closingParen, matchRefAt } from '../ci/values.js';

const markerOpen = '\uE000';
const markerClose = '\uE001';

/** The marker standing for `markers[index]` in a script's text. */
export function markerText(index: number): string {
  return `${markerOpen}${index}${markerClose}`;
}

/** A script to lex: text, what its markers stand for, and the file line of each of its lines. */
export interface ShellText {
  text: string;
  /** Values the markers stand for; with none, marker characters are plain text. */
  markers: readonly unknown[];
  /** `lineMap[k]` is the file line of line k of `text` (the last entry repeats past the end). */
  lineMap: readonly number[];
}

/** A script with no markers whose first line is `firstLine` of the file. */
export function plainSource(text: string, firstLine: number): ShellText & { markers: readonly never[] } {
  const lines = text.split('\n').length;
  return { text, markers: [], lineMap: Array.from({ length: lines }, (_, k) => firstLine + k) };
}

type WordPart =
  | { kind: 'text'; text: string }
  /** `$X`, `${X}`, `$(cmd)`, `` `cmd` ``, as written. */
  | { kind: 'expansion'; text: string }
  | { kind: 'marker'; index: number };

export interface Word {
  parts: WordPart[];
}

/** How a command is joined to the next one. `group` ends a `( … )` or `{ … }` body. */
type Connector = '&&' | '||' | '|' | ';' | '&' | 'newline' | 'group' | 'end';

export interface SimpleCommand {
  words: Word[];
  /** File line of the command's first word. */
  line: number;
  /** `< file`. */
  stdin: Word | undefined;
  next: Connector;
  /** Parenthesis depth (subshells). */
  depth: number;
}

type Redirect = 'stdin' | 'ignore' | 'heredoc' | 'heredoc-strip';

/** Characters that mean nothing to the lexer inside a word (`#` is literal once a word started). */
const plainRun = /[^\uE000\\'"$`\s;&|()<>]*/y;

/** Splits a script into simple commands. Never throws. */
export function commandsOf(source: ShellText): SimpleCommand[] {
  const { text } = source;
  const marks = source.markers.length > 0;
  const commands: SimpleCommand[] = [];
  let lineIndex = 0;
  let depth = 0;
  let parts: WordPart[] | undefined;
  let words: Word[] = [];
  let commandLine = -1;
  let stdin: Word | undefined;
  let redirect: Redirect | undefined;
  const heredocs: { delimiter: string; strip: boolean }[] = [];

  const fileLine = (index: number): number => source.lineMap[Math.min(index, source.lineMap.length - 1)] ?? 1;
  const addText = (t: string): void => {
    if (parts === undefined) startWord();
    const current = parts ?? [];
    const last = current[current.length - 1];
    if (last?.kind === 'text') last.text += t;
    else current.push({ kind: 'text', text: t });
  };
  const addPart = (part: WordPart): void => {
    if (parts === undefined) startWord();
    parts?.push(part);
  };
  const startWord = (): void => {
    parts = [];
    if (words.length === 0 && commandLine < 0 && redirect === undefined) commandLine = fileLine(lineIndex);
  };
  const endWord = (): void => {
    if (parts === undefined) return;
    const word: Word = { parts };
    parts = undefined;
    if (redirect === undefined) {
      words.push(word);
      return;
    }
    if (redirect === 'stdin') stdin = word;
    else if (redirect === 'heredoc' || redirect === 'heredoc-strip') heredocs.push({ delimiter: wordLiteral(word), strip: redirect === 'heredoc-strip' });
    redirect = undefined;
  };
  const endCommand = (next: Connector): void => {
    endWord();
    if (words.length > 0 || stdin !== undefined) {
      commands.push({ words, line: commandLine < 0 ? fileLine(lineIndex) : commandLine, stdin, next, depth });
    } else if (next === '&&' || next === '||' || next === '|') {
      // `( … ) || true`: the connector belongs to the group's last command
      const last = commands[commands.length - 1];
      if (last !== undefined && last.next === 'group') last.next = next;
    }
    words = [];
    stdin = undefined;
    commandLine = -1;
    redirect = undefined;
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === markerOpen && marks) {
      const close = text.indexOf(markerClose, i);
      addPart({ kind: 'marker', index: Number(text.slice(i + 1, close < 0 ? text.length : close)) });
      i = close < 0 ? text.length : close + 1;
      continue;
    }
    if (c === '\\') {
      if (text[i + 1] === '\n') lineIndex++;
      else if (i + 1 < text.length) addText(text[i + 1] ?? '');
      i += 2;
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close < 0 ? text.length : close;
      const body = text.slice(i + 1, end);
      addText('');
      // markers still stand for values substituted before the shell saw the text
      if (marks) splitMarkers(body, addText, addPart);
      else addText(body);
      lineIndex += countNewlines(body);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      addText('');
      i = readDoubleQuoted(text, i + 1, marks, addText, addPart, () => lineIndex++);
      continue;
    }
    if (c === '$' || c === '`') {
      const end = expansionEnd(text, i);
      if (end > i + 1) {
        const body = text.slice(i, end);
        addPart({ kind: 'expansion', text: body });
        lineIndex += countNewlines(body);
        i = end;
        continue;
      }
      addText(c);
      i++;
      continue;
    }
    if (c === '#' && parts === undefined) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    if (c === '\n') {
      endCommand('newline');
      lineIndex++;
      i++;
      if (heredocs.length > 0) {
        for (const doc of heredocs.splice(0)) {
          while (i < text.length) {
            const eol = text.indexOf('\n', i);
            const lineEnd = eol < 0 ? text.length : eol;
            const line = text.slice(i, lineEnd);
            i = lineEnd + 1;
            lineIndex++;
            if ((doc.strip ? line.replace(/^\t+/, '') : line).trimEnd() === doc.delimiter) break;
          }
        }
      }
      continue;
    }
    if (c === ';') {
      endCommand(';');
      i += text[i + 1] === ';' ? 2 : 1;
      continue;
    }
    if (c === '&') {
      if (text[i + 1] === '&') {
        endCommand('&&');
        i += 2;
      } else if (text[i + 1] === '>') {
        endWord();
        redirect = 'ignore';
        i += text[i + 2] === '>' ? 3 : 2;
      } else {
        endCommand('&');
        i++;
      }
      continue;
    }
    if (c === '|') {
      if (text[i + 1] === '|') {
        endCommand('||');
        i += 2;
      } else {
        endCommand('|');
        i += text[i + 1] === '&' ? 2 : 1;
      }
      continue;
    }
    if (c === '(') {
      endCommand(';');
      depth++;
      i++;
      continue;
    }
    if (c === ')') {
      endCommand('group');
      depth = Math.max(0, depth - 1);
      i++;
      continue;
    }
    if (c === '<' || c === '>') {
      // `2>` / `2>&1`: the fd number is not a word
      if (parts !== undefined && parts.length === 1 && parts[0]?.kind === 'text' && /^\d+$/.test(parts[0].text)) parts = undefined;
      else endWord();
      if (text.startsWith('<<<', i)) {
        redirect = 'ignore';
        i += 3;
      } else if (text.startsWith('<<-', i)) {
        redirect = 'heredoc-strip';
        i += 3;
      } else if (text.startsWith('<<', i)) {
        redirect = 'heredoc';
        i += 2;
      } else if (c === '<') {
        redirect = text[i + 1] === '&' || text[i + 1] === '>' ? 'ignore' : 'stdin';
        i += text[i + 1] === '&' || text[i + 1] === '>' ? 2 : 1;
      } else {
        redirect = 'ignore';
        i++;
        while (text[i] === '>' || text[i] === '&' || text[i] === '|') i++;
      }
      // `>&2`, `2>&1`: the target is attached
      if (redirect === 'ignore' && /[0-9-]/.test(text[i] ?? '') && text[i - 1] === '&') {
        while (/[0-9-]/.test(text[i] ?? '')) i++;
        redirect = undefined;
      }
      continue;
    }
    // a run of ordinary characters at once: one append per run, not per character
    plainRun.lastIndex = i + 1;
    plainRun.test(text);
    addText(text.slice(i, plainRun.lastIndex));
    i = plainRun.lastIndex;
  }
  endCommand('end');
  return commands;
}

function countNewlines(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === '\n') n++;
  return n;
}

function splitMarkers(body: string, addText: (t: string) => void, addPart: (p: WordPart) => void): void {
  let i = 0;
  while (i < body.length) {
    const open = body.indexOf(markerOpen, i);
    if (open < 0) {
      addText(body.slice(i));
      return;
    }
    addText(body.slice(i, open));
    const close = body.indexOf(markerClose, open);
    addPart({ kind: 'marker', index: Number(body.slice(open + 1, close < 0 ? body.length : close)) });
    i = close < 0 ? body.length : close + 1;
  }
}

/** Reads a double-quoted string from `i` (after the quote); returns the index after the closing quote. */
function readDoubleQuoted(
  text: string,
  start: number,
  marks: boolean,
  addText: (t: string) => void,
  addPart: (p: WordPart) => void,
  newline: () => void,
): number {
  let i = start;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '"') return i + 1;
    if (c === '\\') {
      const next = text[i + 1] ?? '';
      if (next === '\n') newline();
      else if ('$`"\\'.includes(next)) addText(next);
      else addText(`\\${next}`);
      i += 2;
      continue;
    }
    if (c === markerOpen && marks) {
      const close = text.indexOf(markerClose, i);
      addPart({ kind: 'marker', index: Number(text.slice(i + 1, close < 0 ? text.length : close)) });
      i = close < 0 ? text.length : close + 1;
      continue;
    }
    if (c === '$' || c === '`') {
      const end = expansionEnd(text, i);
      if (end > i + 1) {
        const body = text.slice(i, end);
        for (let k = 0; k < countNewlines(body); k++) newline();
        addPart({ kind: 'expansion', text: body });
        i = end;
        continue;
      }
    }
    if (c === '\n') newline();
    addText(c);
    i++;
  }
  return i;
}

/** End of the expansion starting at `i` (`$…` or a backtick); `i + 1` or less when there is none. */
function expansionEnd(text: string, i: number): number {
  if (text[i] === '`') {
    const close = text.indexOf('`', i + 1);
    return close < 0 ? text.length : close + 1;
  }
  if (text[i + 1] === '(') return closingParen(text, i + 1);
  const match = matchRefAt(text, i, ['shell']);
  return match === undefined ? i : match.end;
}

/** A word's text with expansions as written and markers as their raw text (for delimiters, names). */
export function wordLiteral(word: Word, markers: readonly { raw: string }[] = []): string {
  return word.parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'expansion' ? p.text : (markers[p.index]?.raw ?? ''))).join('');
}
