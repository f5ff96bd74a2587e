import type { FileAnalyzer } from '../../analyzer.js';

/** The files that say which OS an image is, oldest conventions last. */
export const osFiles = [
  '/etc/os-release',
  '/usr/lib/os-release',
  '/etc/alpine-release',
  '/etc/debian_version',
  '/etc/redhat-release',
  '/etc/centos-release',
  '/etc/system-release',
  '/etc/lsb-release',
] as const;

const wanted = new Set<string>(osFiles);

/**
 * Reads OS-identification files: `os-release` and `lsb-release` as key/value pairs (shell-style
 * quoting), the others as their first line (`text`).
 */
export const osAnalyzer: FileAnalyzer = {
  id: 'os',
  version: 1,
  maxBytes: 64 * 1024,
  required: (path) => wanted.has(path),
  analyze({ path, content }) {
    const text = content.toString('utf8');
    if (path.endsWith('os-release') || path.endsWith('lsb-release')) return { osFacts: parseKeyValues(text) };
    const line = text.split('\n')[0]?.trim() ?? '';
    return line ? { osFacts: { text: line } } : { notes: [`${path} is empty`] };
  },
};

/** `KEY=value`, `KEY="quoted \"value\""`, `KEY='single'`; comments and blank lines ignored. */
export function parseKeyValues(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match || line.startsWith('#')) continue;
    const [, key, rest] = match as unknown as [string, string, string];
    values[key] = unquote(rest.trim());
  }
  return values;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/\\(["$`\\])/g, '$1');
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value;
}
