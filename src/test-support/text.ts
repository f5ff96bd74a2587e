import { minOf } from '../core/collections.js';

/**
 * A multi-line text written indented in a test, as the file it stands for: the line break after the
 * opening backtick and the common indentation are removed; a closing backtick on its own line means
 * the text ends with a line break. Interpolated values are placed as they are.
 *
 *   dedent`
 *     services:
 *       web:
 *         image: nginx:1.27
 *   `  // → 'services:\n  web:\n    image: nginx:1.27\n'
 */
export function dedent(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((text, part, i) => text + part + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.split('\n');
  if (lines[0]?.trim() === '') lines.shift();
  const endsWithBreak = lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '';
  if (endsWithBreak) lines.pop();
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0);
  const common = minOf(indents, 0);
  return lines.map((line) => line.slice(common)).join('\n') + (endsWithBreak ? '\n' : '');
}
