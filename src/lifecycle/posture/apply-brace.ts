/**
 * Where edits go in a Jenkinsfile or a TeamCity Kotlin DSL file: statements and `{ }` blocks with
 * their first and last lines, from the project's own tokenizer (strings and comments skipped as the
 * readers skip them), so a step is inserted after the whole `dockerCommand { … }` that holds a
 * line, not in the middle of it.
 */
import { tokenize, type Language, type Token } from '../../buildtime/ci/brace-lang.js';
import { EditError, type LineRange } from './apply-lines.js';

interface BraceItem {
  start: number;
  end: number;
  /** First identifier of the statement or block head (`steps`, `stage`, `sh`). */
  name: string | undefined;
  children: BraceItem[];
}

/** Tokens after which a newline does not end the statement (as the readers' block tree has it). */
const continuing = new Set(['.', '?.', ',', '=', '+', '(', '[', '&&', '||', '?', ':', '->', '+=']);

function tree(tokens: readonly Token[]): BraceItem[] {
  const root: BraceItem = { start: 1, end: 1, name: undefined, children: [] };
  const stack: { item: BraceItem; current: BraceItem | undefined; depth: number; last: Token | undefined }[] = [
    { item: root, current: undefined, depth: 0, last: undefined },
  ];
  const top = () => stack[stack.length - 1] as (typeof stack)[number];
  const close = (): void => {
    const frame = top();
    if (frame.current !== undefined) frame.item.children.push(frame.current);
    frame.current = undefined;
    frame.depth = 0;
  };
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k] as Token;
    const frame = top();
    if (token.kind === 'newline') {
      let n = k + 1;
      while (tokens[n]?.kind === 'newline') n++;
      const next = tokens[n];
      const nextContinues = next?.kind === 'punct' && (next.text === '.' || next.text === '?.');
      const last = frame.last;
      if (frame.depth === 0 && !(last?.kind === 'punct' && continuing.has(last.text)) && !nextContinues) close();
      k = n - 1; // a run of newlines decides once (linear, not quadratic, in blank lines)
      continue;
    }
    if (frame.current === undefined)
      frame.current = { start: token.line, end: token.line, name: token.kind === 'ident' ? token.text : undefined, children: [] };
    const current = frame.current;
    current.end = Math.max(current.end, endLine(token));
    frame.last = token;
    if (token.kind !== 'punct') continue;
    if (token.text === ';' && frame.depth === 0) close();
    else if (token.text === '(' || token.text === '[') frame.depth++;
    else if (token.text === ')' || token.text === ']') frame.depth = Math.max(0, frame.depth - 1);
    else if (token.text === '{') stack.push({ item: current, current: undefined, depth: 0, last: undefined });
    else if (token.text === '}') {
      if (stack.length === 1) continue;
      close();
      stack.pop();
      const outer = top();
      if (outer.current !== undefined) outer.current.end = Math.max(outer.current.end, token.line);
      outer.last = token;
    }
  }
  while (stack.length > 1) {
    close();
    stack.pop();
  }
  close();
  return root.children;
}

/** The last line a token covers (a string may span lines). */
function endLine(token: Token): number {
  return token.kind === 'string' ? (token.lineMap[token.lineMap.length - 1] ?? token.line) : token.line;
}

export function braceLanguageOf(file: string): Language | undefined {
  const base = file.split('/').pop() ?? file;
  if (base === 'Jenkinsfile' || base.startsWith('Jenkinsfile.') || /\.(jenkinsfile|groovy)$/i.test(base)) return 'groovy';
  if (/\.kts?$/i.test(base)) return 'kotlin';
  return undefined;
}

/**
 * The item holding `line` directly inside the innermost block named `within` that holds it
 * (`steps`: a Jenkins or TeamCity step), else the innermost statement or block holding it.
 */
export function braceItem(text: string, file: string, language: Language, line: number, within: string): LineRange {
  const items = tree(tokenize(text, language));
  let inside: BraceItem | undefined;
  let innermost: BraceItem | undefined;
  const visit = (list: readonly BraceItem[], parent: BraceItem | undefined): void => {
    for (const item of list) {
      if (item.start > line || item.end < line) continue;
      if (parent?.name === within) inside = item;
      innermost = item;
      visit(item.children, item);
    }
  };
  visit(items, undefined);
  const found = inside ?? innermost;
  if (found === undefined) throw new EditError(file, `no statement holds line ${line}`);
  return { start: found.start, end: found.end };
}
