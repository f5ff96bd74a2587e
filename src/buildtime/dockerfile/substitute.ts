import { maxDockerfileSubstitutionDepth } from '../../core/limits.js';

/** Known variable values (ARG/ENV in scope); `undefined` means declared without a known value. */
export type Variables = ReadonlyMap<string, string | undefined>;

/**
 * Expands `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+a}` and `${X+a}` the way BuildKit does for
 * Dockerfile words. A plain reference to a variable whose value is unknown (undeclared, or an ARG
 * without default or build arg) is left as written, so rules can tell an unresolved value from an
 * empty one; the `-`/`+` operators treat it as unset, as BuildKit does. `escape` is the Dockerfile escape character.
 * Words nested deeper than `maxDockerfileSubstitutionDepth` are left as written (unresolved).
 */
export function substitute(text: string, vars: Variables, escape = '\\'): string {
  return expand(text, vars, escape, 0);
}

function expand(text: string, vars: Variables, escape: string, depth: number): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === escape && text[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (c !== '$') {
      out += c;
      i += 1;
      continue;
    }
    if (text[i + 1] === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        out += text.slice(i);
        break;
      }
      const written = text.slice(i, end + 1);
      out += depth < maxDockerfileSubstitutionDepth ? expandBraced(text.slice(i + 2, end), written, vars, escape, depth) : written;
      i = end + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
    if (!name) {
      out += c;
      i += 1;
      continue;
    }
    const value = vars.get(name);
    out += value ?? `$${name}`;
    i += 1 + name.length;
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '{') depth++;
    else if (text[j] === '}' && --depth === 0) return j;
  }
  return -1;
}

function expandBraced(inner: string, written: string, vars: Variables, escape: string, depth: number): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(inner);
  if (!match) return written; // pattern operators (${X#p}, ${X/p/r}) are not evaluated
  const name = match[1] ?? '';
  const operator = match[2];
  const word = match[3] ?? '';
  const known = vars.has(name) && vars.get(name) !== undefined;
  const value = vars.get(name);
  if (!operator) return known ? (value ?? '') : written;
  // an ARG declared without a value (and not given as a build arg) is unset for the operators
  const nonEmpty = known && value !== '';
  const alternative = (): string => expand(word, vars, escape, depth + 1);
  if (operator === ':-') return nonEmpty ? (value ?? '') : alternative();
  if (operator === '-') return known ? (value ?? '') : alternative();
  if (operator === ':+') return nonEmpty ? alternative() : '';
  return known ? alternative() : '';
}
