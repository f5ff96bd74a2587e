import { pushAll } from '../../../core/collections.js';
/**
 * Parses the module info text of a Go binary (what `go version -m` prints), like Go's
 * `debug.ParseBuildInfo` but lenient: a malformed line is skipped with a note instead of failing
 * the whole file.
 *
 *   path  example.com/app
 *   mod   example.com/app  (devel)
 *   dep   golang.org/x/text  v0.3.7  h1:...
 *   =>    ../text  (devel)             (replaces the module on the line before)
 *   build GOOS=linux
 */

export interface GoModule {
  path: string;
  version: string;
  /** go.sum hash (`h1:...`); empty when the build had none (replaced, vendored or main module). */
  sum: string;
  replace?: GoModule | undefined;
}

export interface ModInfo {
  /** Import path of the main package. */
  path?: string | undefined;
  main?: GoModule | undefined;
  deps: GoModule[];
  /** `build` lines in order: `-compiler=gc`, `GOOS=linux`, `vcs.revision=...`. */
  settings: Array<[key: string, value: string]>;
  notes: string[];
}

/** Notes past this many are summarised: a garbage module info should not flood the diagnostics. */
const MAX_NOTES = 10;

/** Parses the module info text (sentinels already removed). */
export function parseModInfo(text: string): ModInfo {
  const info: ModInfo = { deps: [], settings: [], notes: [] };
  let skipped = 0;
  const bad = (lineNumber: number, why: string): void => {
    skipped++;
    if (info.notes.length < MAX_NOTES) info.notes.push(`Go module info line ${lineNumber}: ${why}: skipped`);
  };
  // The module a `=>` line replaces; cleared after one replacement, as in Go.
  let last: GoModule | undefined;

  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] ?? '';
    const lineNumber = n + 1;
    const [kind, ...columns] = line.split('\t');
    switch (kind) {
      case 'path':
        info.path = columns.join('\t');
        break;
      case 'mod':
      case 'dep': {
        const module = moduleOf(columns);
        if (!module) {
          bad(lineNumber, `expected 2 or 3 columns after "${kind}", got ${columns.length}`);
          last = undefined;
          break;
        }
        if (kind === 'mod') info.main = module;
        else info.deps.push(module);
        last = module;
        break;
      }
      case '=>': {
        // Go requires exactly 3 columns; builds before Go 1.18 wrote 2 when there was no sum.
        const replacement = columns.length === 3 || columns.length === 2 ? moduleOf(columns) : undefined;
        if (!replacement) bad(lineNumber, `expected 3 columns after "=>", got ${columns.length}`);
        else if (!last) bad(lineNumber, 'replacement with no module on the line before');
        else last.replace = replacement;
        last = undefined;
        break;
      }
      case 'build': {
        const setting = buildSetting(columns.join('\t'));
        if (typeof setting === 'string') bad(lineNumber, setting);
        else info.settings.push(setting);
        break;
      }
      default:
        // Blank lines, and line kinds of newer toolchains, are ignored as Go does.
        break;
    }
  }
  if (skipped > MAX_NOTES) info.notes.push(`Go module info: ${skipped - MAX_NOTES} more malformed lines skipped`);
  return info;
}

function moduleOf(columns: string[]): GoModule | undefined {
  if (columns.length !== 2 && columns.length !== 3) return undefined;
  const [path = '', version = '', sum = ''] = columns;
  return { path, version, sum };
}

/** `key=value`, where either side may be Go-quoted (keys and values with spaces, tabs, quotes...). */
function buildSetting(kv: string): [string, string] | string {
  if (kv.length === 0 || kv.startsWith('=')) return 'build line with missing key';
  let key: string;
  let rawValue: string;
  if (kv.startsWith('"') || kv.startsWith('`')) {
    const end = quotedPrefixLength(kv);
    const unquoted = end === undefined ? undefined : unquote(kv.slice(0, end));
    if (end === undefined || unquoted === undefined || kv[end] !== '=') return 'build line with a malformed quoted key';
    key = unquoted;
    rawValue = kv.slice(end + 1);
  } else {
    const eq = kv.indexOf('=');
    if (eq < 0) return "build line missing '='";
    key = kv.slice(0, eq);
    rawValue = kv.slice(eq + 1);
  }
  if (rawValue.startsWith('"') || rawValue.startsWith('`')) {
    const value = unquote(rawValue);
    if (value === undefined) return 'build line with a malformed quoted value';
    return [key, value];
  }
  return [key, rawValue];
}

/** Length of the quoted string at the start of `s` (Go's strconv.QuotedPrefix), if it is closed. */
function quotedPrefixLength(s: string): number | undefined {
  const quote = s[0];
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === quote) return i + 1;
    if (quote === '"' && c === '\\') i++;
  }
  return undefined;
}

const simpleEscapes: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** Go's strconv.Unquote for `"..."` and `` `...` `` strings; undefined when malformed. */
export function unquote(s: string): string | undefined {
  if (s.length < 2) return undefined;
  const quote = s[0];
  if (s[s.length - 1] !== quote) return undefined;
  const body = s.slice(1, -1);
  if (quote === '`') return body.includes('`') ? undefined : body.replaceAll('\r', '');
  if (quote !== '"') return undefined;
  const bytes: number[] = [];
  const pushText = (text: string): void => void pushAll(bytes, Buffer.from(text, 'utf8'));
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c === '"') return undefined;
    if (c !== '\\') {
      pushText(c);
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    const simple = simpleEscapes[e];
    if (simple !== undefined) {
      pushText(simple);
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return undefined;
      const code = parseInt(hex, 16);
      i += width;
      if (e === 'x') bytes.push(code);
      else if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) return undefined;
      else pushText(String.fromCodePoint(code));
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      const code = parseInt(oct, 8);
      if (code > 255) return undefined;
      bytes.push(code);
      i += 2;
    } else {
      return undefined;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
