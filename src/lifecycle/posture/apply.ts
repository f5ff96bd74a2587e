/**
 * Applies a proposed change's edits to the files they name. Each edit is placed against the file as
 * read (a line, the step or YAML item holding a line, the imports), its text indented like the
 * place it goes, and all edits of a file are applied together. An edit that does not fit the file
 * (it changed, or has another shape than the proposal expects) is an `EditError`, never a guess.
 * The tests apply the example estates' proposals with it; `shipshape fix` can reuse it.
 */
import type { FileEdit, ProposedChange } from './model.js';
import { braceItem, braceLanguageOf } from './apply-brace.js';
import { EditError, LineOps, type LineRange } from './apply-lines.js';
import { yamlItem, yamlMerge } from './apply-yaml.js';
import { pushAll } from '../../core/collections.js';

export { EditError } from './apply-lines.js';

const isYaml = (file: string): boolean => /\.ya?ml$/i.test(file);

/** The whole item (step, statement, list item) holding `line` inside `within`. */
function itemAt(text: string, file: string, line: number, within: string): LineRange {
  if (isYaml(file)) return yamlItem(text, file, line, within);
  const language = braceLanguageOf(file);
  if (language === undefined) throw new EditError(file, 'it is neither YAML nor a Jenkinsfile / Kotlin DSL file');
  return braceItem(text, file, language, line, within);
}

function indentation(line: string | undefined): string {
  return /^[ \t]*/.exec(line ?? '')?.[0] ?? '';
}

/** `text` with every non-blank line prefixed by `indent`. */
function indented(text: string, indent: string): string[] {
  return text.split('\n').map((l) => (l.trim() === '' ? '' : `${indent}${l}`));
}

/** The text of a file after its edits (edits of other files are ignored). */
export function applyEdits(text: string, file: string, edits: readonly FileEdit[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const ops = new LineOps(lines, file);
  const appended: string[][] = [];
  const imports = new Set<string>();
  for (const edit of edits.filter((e) => e.file === file)) {
    switch (edit.kind) {
      case 'insert': {
        const range = edit.within === undefined ? { start: edit.line, end: edit.line } : itemAt(text, file, edit.line, edit.within);
        const below = edit.position === 'before' ? range.start - 1 : range.end;
        if (edit.notBefore !== undefined && below < edit.notBefore) {
          throw new EditError(file, `line ${edit.line} shares its step with line ${edit.notBefore}, which must come first: split that step`);
        }
        const body = indented(edit.text, edit.line === 0 ? '' : indentation(lines[range.start - 1]));
        if (edit.position === 'before') ops.insertBefore(range.start, body);
        else ops.insertAfter(range.end, body);
        break;
      }
      case 'substitute':
        ops.substitute(edit.line, edit.find, edit.replace);
        break;
      case 'append':
        appended.push(edit.text.split('\n'));
        break;
      case 'import':
        if (!imports.has(edit.text)) importLine(lines, edit.text, ops);
        imports.add(edit.text);
        break;
      case 'create':
        if (text !== '') throw new EditError(file, 'it exists already: the change would create it');
        appended.push(edit.text.replace(/\n$/, '').split('\n'));
        break;
      case 'yaml-merge':
        if (!isYaml(file)) throw new EditError(file, 'a YAML merge needs a YAML file');
        yamlMerge(text, file, edit.line, edit.within, edit.text, ops);
        break;
    }
  }
  const out = ops.render();
  if (text === '' && appended.length > 0) return `${appended.map((block) => block.join(eol)).join(`${eol}${eol}`)}${eol}`;
  if (appended.length > 0) {
    while (out.length > 0 && (out[out.length - 1] ?? '').trim() === '') out.pop();
    for (const block of appended) pushAll(out, ['', ...block]);
    out.push('');
  }
  return out.join(eol);
}

/**
 * `import a.b.c` among the imports, unless it, `import a.b.*`, or a `c` of another package (an
 * older DSL version: importing both would clash) is there.
 */
function importLine(lines: readonly string[], text: string, ops: LineOps): void {
  const name = text.trim().replace(/^import\s+/, '');
  const wildcard = `${name.slice(0, name.lastIndexOf('.'))}.*`;
  const simple = name.slice(name.lastIndexOf('.'));
  let last = -1;
  let packageLine = -1;
  for (const [index, line] of lines.entries()) {
    const imported = /^\s*import\s+([\w.*]+)/.exec(line)?.[1];
    if (imported === name || imported === wildcard || imported?.endsWith(simple) === true) return;
    if (imported !== undefined) last = index;
    if (/^\s*package\s/.test(line)) packageLine = index;
  }
  ops.insertAfter(last >= 0 ? last + 1 : packageLine >= 0 ? packageLine + 1 : 0, [text.trim()]);
}

/** The files a change edits, with their new text; `read` gives a file's current text (`''` for a file that does not exist). */
export function applyChange(change: Pick<ProposedChange, 'edits'>, read: (file: string) => string): Map<string, string> {
  const result = new Map<string, string>();
  for (const file of new Set(change.edits.map((e) => e.file))) result.set(file, applyEdits(read(file), file, change.edits));
  return result;
}
