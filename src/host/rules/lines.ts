/**
 * Line numbers for findings, found cheaply in the text the parsers already accepted: a top-level JSON
 * key, a TOML key or table. A line that cannot be found is simply left out of the finding.
 */

/** A path into a TOML document: table and key names, and the index of an array-of-tables entry (`[[registry]]`). */
export type TomlPath = readonly (string | number)[];

/** The line of a top-level key of a JSON object (`"icc"` in daemon.json). */
export function jsonKeyLine(text: string, key: string): number | undefined {
  let depth = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') line++;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === '"') {
      const end = stringEnd(text, i);
      // JSON strings hold no raw line breaks: the line is still right after the jump
      if (depth === 1 && /^\s*:/.test(text.slice(end + 1, end + 64)) && decodeJsonString(text.slice(i, end + 1)) === key) return line;
      i = end;
    }
  }
  return undefined;
}

/**
 * The line of the TOML key at `path`; else of the deepest table or key on the way to it (the
 * `[…registry.configs."host".tls]` header of a key written inline). Multi-line strings are skipped.
 */
export function tomlLine(text: string, path: TomlPath): number | undefined {
  const arrays = new Map<string, number>();
  const resolve = (names: readonly string[]): (string | number)[] => {
    const resolved: (string | number)[] = [];
    for (const name of names) {
      resolved.push(name);
      const index = arrays.get(keyOf(resolved));
      if (index !== undefined) resolved.push(index);
    }
    return resolved;
  };
  let table: (string | number)[] = [];
  let best: { line: number; depth: number } | undefined;
  let inMultiline = false;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] as string;
    const toggles = (raw.match(/"""|'''/g) ?? []).length;
    const wasInMultiline = inMultiline;
    if (toggles % 2 === 1) inMultiline = !inMultiline;
    if (wasInMultiline) continue;
    const header = /^\s*(\[\[?)/.exec(raw);
    let full: (string | number)[];
    if (header) {
      const names = readKey(raw, (header[0] ?? '').length);
      if (names === undefined) continue;
      if (header[1] === '[[') {
        const base = [...resolve(names.slice(0, -1)), names[names.length - 1] as string];
        const next = (arrays.get(keyOf(base)) ?? -1) + 1;
        arrays.set(keyOf(base), next);
        table = [...base, next];
      } else {
        table = resolve(names);
      }
      full = table;
    } else {
      const names = readKey(raw, 0);
      if (names === undefined || !/^\s*=/.test(raw.slice(names.end))) continue;
      full = [...table, ...names];
    }
    const depth = commonPrefix(full, path);
    if (depth === path.length && full.length === path.length) return index + 1;
    if (depth === full.length && (best === undefined || depth > best.depth)) best = { line: index + 1, depth };
  }
  return best?.line;
}

/** A dotted TOML key (`plugins."io.containerd.grpc.v1.cri".registry`) from `start`; undefined when there is none. */
function readKey(line: string, start: number): (string[] & { end: number }) | undefined {
  const names: string[] = [];
  let i = start;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    const char = line[i];
    let name: string | undefined;
    if (char === '"') {
      const end = stringEnd(line, i);
      name = decodeJsonString(line.slice(i, end + 1));
      i = end + 1;
    } else if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      name = line.slice(i + 1, end);
      i = end + 1;
    } else {
      const bare = /^[A-Za-z0-9_-]+/.exec(line.slice(i));
      name = bare?.[0];
      i += name?.length ?? 0;
    }
    if (name === undefined) return undefined;
    names.push(name);
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] !== '.') return Object.assign(names, { end: i });
    i++;
  }
}

/** The index of the closing quote of the basic string opening at `start` (the text's end when unclosed). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return Math.min(i, text.length - 1);
}

/** A JSON (or TOML basic) string literal's value; undefined when it is not one. */
function decodeJsonString(literal: string): string | undefined {
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function keyOf(path: TomlPath): string {
  return path.join('\u0000');
}

function commonPrefix(a: TomlPath, b: TomlPath): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
