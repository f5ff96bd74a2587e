import { isRecord } from '../../core/records.js';

/**
 * Just enough of systemd's unit and environment file syntax to read how a service is started:
 * directives with their lines, list directives reset by an empty assignment, and command lines split
 * into words with `$VAR`/`${VAR}` expanded (systemd.service(5) "Command lines").
 */

/** `Key=Value` in a `[Section]` of a unit file, at the line where it starts. */
export interface UnitDirective {
  section: string;
  key: string;
  value: string;
  line: number;
}

/** A `NAME=value` of an environment file (`EnvironmentFile=`) or an `Environment=` directive. */
export interface EnvAssignment {
  name: string;
  value: string;
  line: number;
}

/** The directives of a unit file's `parsed` (anything else there is ignored: `parsed` is `unknown` to its readers). */
export function directivesOf(parsed: unknown): UnitDirective[] {
  return Array.isArray(parsed) ? parsed.filter((item): item is UnitDirective => hasStrings(item, ['section', 'key', 'value'])) : [];
}

/** The assignments of an environment file's `parsed`. */
export function assignmentsOf(parsed: unknown): EnvAssignment[] {
  return Array.isArray(parsed) ? parsed.filter((item): item is EnvAssignment => hasStrings(item, ['name', 'value'])) : [];
}

function hasStrings(item: unknown, keys: readonly string[]): boolean {
  return isRecord(item) && typeof item.line === 'number' && keys.every((key) => typeof item[key] === 'string');
}

/** A unit file's directives, in order. Comments (`#`, `;`) are skipped and `\` at a line's end continues it. */
export function parseUnit(text: string): UnitDirective[] {
  const directives: UnitDirective[] = [];
  let section = '';
  for (const { text: line, line: number } of logicalLines(text)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header) {
      section = header[1] ?? '';
      continue;
    }
    const equals = trimmed.indexOf('=');
    if (equals > 0) directives.push({ section, key: trimmed.slice(0, equals).trim(), value: trimmed.slice(equals + 1).trim(), line: number });
  }
  return directives;
}

/** An environment file's assignments (`NAME=value`, `NAME="quoted value"`), later ones winning as systemd reads them. */
export function parseEnvironmentFile(text: string): EnvAssignment[] {
  const assignments: EnvAssignment[] = [];
  for (const { text: line, line: number } of logicalLines(text)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) assignments.push({ name: match[1] ?? '', value: unquote(match[2] ?? ''), line: number });
  }
  return assignments;
}

/**
 * The values of a list directive (`ExecStart`, `ListenStream`, `Environment`) across a unit and its
 * drop-ins, in the order systemd applies them: an empty assignment clears what came before.
 */
export function effectiveList(
  units: readonly { path: string; directives: readonly UnitDirective[] }[],
  section: string,
  key: string,
): (UnitDirective & { path: string })[] {
  let values: (UnitDirective & { path: string })[] = [];
  for (const unit of units) {
    for (const directive of unit.directives) {
      if (directive.section !== section || directive.key !== key) continue;
      values = directive.value === '' ? [] : [...values, { ...directive, path: unit.path }];
    }
  }
  return values;
}

/** Words of a command line or `Environment=` value: split at white space, `"…"` and `'…'` quoting, backslash escapes. */
export function splitWords(value: string): { word: string; quoted: boolean }[] {
  const words: { word: string; quoted: boolean }[] = [];
  let word: string | undefined;
  let quoted = false;
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    if (quote === undefined && /\s/.test(char)) {
      if (word !== undefined) words.push({ word, quoted });
      word = undefined;
      quoted = false;
    } else if (char === '\\' && i + 1 < value.length) {
      word = (word ?? '') + value[++i];
    } else if (quote === undefined && (char === '"' || char === "'")) {
      quote = char;
      quoted = true;
      word ??= '';
    } else if (char === quote) {
      quote = undefined;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push({ word, quoted });
  return words;
}

/**
 * A command line's words with the environment expanded: an unquoted `$NAME` word becomes the value's
 * words, `${NAME}` inside a word becomes the value as it is; an unset variable is empty. Each word
 * keeps where it came from (the variable's assignment, or the command line itself).
 */
export function expandCommandLine<Source>(
  value: string,
  at: Source,
  environment: ReadonlyMap<string, { value: string; from: Source }>,
): { word: string; from: Source }[] {
  return splitWords(value).flatMap(({ word, quoted }) => {
    const whole = quoted ? undefined : /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word);
    if (whole) {
      const variable = environment.get(whole[1] ?? '');
      return variable === undefined ? [] : splitWords(variable.value).map((part) => ({ word: part.word, from: variable.from }));
    }
    return [{ word: word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => environment.get(name)?.value ?? ''), from: at }];
  });
}

/** Lines with `\`-continuations joined, each with the number of its first physical line. */
function logicalLines(text: string): { text: string; line: number }[] {
  const lines: { text: string; line: number }[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((physical, index) => {
    const continued = physical.endsWith('\\');
    const part = continued ? `${physical.slice(0, -1)} ` : physical;
    pending = pending === undefined ? { text: part, line: index + 1 } : { text: pending.text + part, line: pending.line };
    if (!continued) {
      lines.push(pending);
      pending = undefined;
    }
  });
  if (pending !== undefined) lines.push(pending);
  return lines;
}

function unquote(value: string): string {
  const match = /^(["'])(.*)\1$/.exec(value);
  return match ? (match[2] ?? '') : value;
}
