/**
 * Parsers for the two metadata files a jar can carry about itself: Maven's `pom.properties` (a Java
 * properties file) and `META-INF/MANIFEST.MF` (the jar manifest's main section).
 */

/**
 * Parses a Java properties file: `key=value`, `key: value` or `key value`, `#`/`!` comments,
 * backslash line continuations and escapes (`\t`, `\uXXXX`...). Later keys win, as in Java.
 */
export function parseProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the logical line on the next one.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + (lines[++i] ?? '').replace(/^[ \t\f]+/, '');
    }
    let keyEnd = 0;
    while (keyEnd < line.length && !'=: \t\f'.includes(line[keyEnd] ?? '')) keyEnd += line[keyEnd] === '\\' ? 2 : 1;
    keyEnd = Math.min(keyEnd, line.length);
    let valueStart = keyEnd;
    while (valueStart < line.length && ' \t\f'.includes(line[valueStart] ?? '')) valueStart++;
    if (line[valueStart] === '=' || line[valueStart] === ':') valueStart++;
    while (valueStart < line.length && ' \t\f'.includes(line[valueStart] ?? '')) valueStart++;
    result.set(unescapeProperty(line.slice(0, keyEnd)), unescapeProperty(line.slice(valueStart)));
  }
  return result;
}

const propertyEscapes: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescapeProperty(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return propertyEscapes[e] ?? e;
  });
}

/**
 * The main section of a jar manifest: `Name: value` headers up to the first blank line, with
 * continuation lines (starting with one space) joined. Header names are matched case-insensitively
 * by the JDK, so they are returned lower-cased.
 */
export function parseManifest(text: string): Map<string, string> {
  const result = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') break;
    if (line.startsWith(' ')) {
      if (current !== undefined) result.set(current, (result.get(current) ?? '') + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      current = undefined;
      continue;
    }
    current = line.slice(0, colon).trim().toLowerCase();
    // Only the one space after the colon is syntax: a trailing space can precede a line break.
    result.set(current, line.slice(colon + 1).replace(/^ /, ''));
  }
  for (const [key, value] of result) result.set(key, value.trim());
  return result;
}
