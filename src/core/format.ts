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
