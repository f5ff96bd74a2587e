/**
 * The header block of Python core metadata (`METADATA`, `PKG-INFO`): RFC 822-style `Field: value`
 * lines, continued by lines that start with whitespace, up to the blank line before the body.
 */
export interface MetadataHeaders {
  /** Values by lower-cased field name, in file order (fields such as `Classifier` repeat). */
  fields: Map<string, string[]>;
  /** Header lines that were neither `Field: value` nor a continuation. */
  malformed: number;
}

/** Lines of a multi-line value keep setuptools' indentation (8 spaces, sometimes with a `|`) out. */
const continuationIndent = /^[ \t]+\|?/;

/** Parses the headers; the body (long description) is not looked at. */
export function parseHeaders(text: string): MetadataHeaders {
  const fields = new Map<string, string[]>();
  let malformed = 0;
  let current: { values: string[]; index: number } | undefined;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (line === '') break; // the blank line that ends the headers
    if (line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) {
      if (current) current.values[current.index] += `\n${line.replace(continuationIndent, '')}`;
      else malformed++;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      malformed++;
      current = undefined;
      continue;
    }
    const key = line.slice(0, colon).trim().toLowerCase();
    const values = fields.get(key) ?? [];
    values.push(line.slice(colon + 1).trim());
    fields.set(key, values);
    current = { values, index: values.length - 1 };
  }
  return { fields, malformed };
}

/** The first value of a field, trimmed (continuation lines included); undefined when absent or empty. */
export function firstValue(headers: MetadataHeaders, field: string): string | undefined {
  const value = headers.fields.get(field)?.[0]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Declared licenses, best source first: `License-Expression` (an SPDX expression, metadata 2.4);
 * else `License` when it names a license (one line, not `UNKNOWN`: many projects paste the whole
 * license text there); else the `License ::` trove classifiers (`MIT License`).
 */
export function licensesOf(headers: MetadataHeaders): string[] | undefined {
  const expression = firstValue(headers, 'license-expression');
  if (expression !== undefined) return [expression];
  const license = firstValue(headers, 'license');
  if (license !== undefined && !license.includes('\n') && license.toUpperCase() !== 'UNKNOWN') return [license];
  const fromClassifiers = new Set<string>();
  for (const classifier of headers.fields.get('classifier') ?? []) {
    const name = classifierLicense(classifier);
    if (name !== undefined) fromClassifiers.add(name);
  }
  return fromClassifiers.size > 0 ? [...fromClassifiers] : undefined;
}

/** `License :: OSI Approved :: MIT License` → `MIT License`; the bare `License :: OSI Approved` names none. */
function classifierLicense(classifier: string): string | undefined {
  const parts = classifier.split('::').map((part) => part.trim());
  if (parts[0] !== 'License') return undefined;
  const rest = parts.slice(parts[1] === 'OSI Approved' ? 2 : 1).filter((part) => part !== '');
  return rest.length > 0 ? rest.join(' :: ') : undefined;
}
