/** Human-readable byte counts: 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** `sha256:0123456789abcdef...` → `sha256:0123456789ab` for tables. */
export function shortDigest(digest: string, length = 12): string {
  const colon = digest.indexOf(':');
  return colon < 0 ? digest.slice(0, length) : digest.slice(0, colon + 1 + length);
}

/**
 * What a terminal may be shown of a value from the input: control characters (escape sequences, BEL,
 * NUL, C1 codes) as `\xNN`, never raw; line breaks kept when `keepNewlines` (multi-line messages).
 */
export function escapeControls(text: string, options: { keepNewlines?: boolean } = {}): string {
  // eslint-disable-next-line no-control-regex -- the point is to find them
  const controls = options.keepNewlines ? /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g : /[\u0000-\u001f\u007f-\u009f]/g;
  return text.replace(controls, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
