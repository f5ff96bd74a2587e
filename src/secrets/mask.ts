import { createHash } from 'node:crypto';

/**
 * At most the first 4 characters of a secret, then `****`. Short secrets show less (a quarter of
 * their length, rounded down), so a 6-character password shows 1 character, not 4 of 6.
 */
export function maskSecret(secret: string): string {
  const chars = [...secret];
  const shown = Math.min(4, Math.floor(chars.length / 4));
  return `${chars.slice(0, shown).join('')}****`;
}

/** First 16 hex digits of the sha256 of the secret's UTF-8 bytes. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 16);
}

const placeholderWords = new Set(['null', 'none', 'nil', 'undefined', 'true', 'false', 'yes', 'no', 'on', 'off', 'empty', '""', "''"]);

/**
 * Values that are not secrets but stand in for one: empty, variable references (`${VAR}`, `$VAR`,
 * `%VAR%`, `{{ var }}`, `%(var)s`), `<placeholder>`, runs of one masking character (`xxx`, `****`),
 * booleans and nulls. `changeme` and the like are reported: images do ship with them.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  if (placeholderWords.has(v.toLowerCase())) return true;
  if (/^\$\{[^}]*\}?$|^\$[A-Za-z_][A-Za-z0-9_]*$|^%[A-Za-z_][A-Za-z0-9_]*%$|^%\([^)]*\)s$/.test(v)) return true;
  if (/^\{\{.*\}\}?$|^<[^>]*>?$/.test(v)) return true;
  if (/^([xX*.#_-])\1*$/.test(v)) return true;
  return false;
}

/** `text` with every occurrence of each secret replaced by its mask (longest secrets first). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...new Set(secrets)].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) out = out.split(secret).join(maskSecret(secret));
  }
  return out;
}
