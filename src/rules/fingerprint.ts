import { createHash } from 'node:crypto';

/** A stable 32-hex fingerprint of the parts that identify a finding. */
export function fingerprintOf(...parts: (string | number | undefined)[]): string {
  return createHash('sha256')
    .update(parts.map((p) => String(p ?? '')).join('\0'))
    .digest('hex')
    .slice(0, 32);
}
