import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Tokens look like `ss_<id>_<secret>`: the id names it in lists, the whole is hashed for storage. */
const tokenPattern = /^ss_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

/** A new token: shown once to its owner; only its hash is kept. */
export function newToken(): { id: string; token: string; hash: string } {
  const id = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8);
  const token = `ss_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, token, hash: hashToken(token) };
}

/** SHA-256 of the token: a stolen store gives no usable tokens (they are random, so no salt is needed). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether text has the shape of a token (checked before any lookup). */
export function looksLikeToken(text: string): boolean {
  return tokenPattern.test(text);
}

/** Constant-time comparison of two secrets (the webhook secret). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
