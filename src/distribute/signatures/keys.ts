import { createPublicKey, type KeyObject } from 'node:crypto';
import { messageOf, UsageError } from '../../core/errors.js';

/** Curves cosign signs with (P-256 by default; P-384 and P-521 from KMS keys). */
const supportedCurves: readonly string[] = ['prime256v1', 'secp384r1', 'secp521r1'];
const minRsaBits = 2048;
const keyHint = 'give the public key cosign wrote beside the private one (cosign.pub), or export it with `cosign public-key`';

/**
 * Reads a cosign public key (PEM: ECDSA P-256/P-384/P-521, RSA of at least 2048 bits, or Ed25519).
 * Anything else — a private key, a certificate, garbage — is a UsageError naming the file.
 */
export function loadPublicKey(pem: string | Buffer, file: string): KeyObject {
  const text = typeof pem === 'string' ? pem : pem.toString('utf8');
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
    throw new UsageError(`${file} holds a private key; --key takes the public key`, { hint: keyHint });
  }
  if (!text.includes('-----BEGIN PUBLIC KEY-----') && !text.includes('-----BEGIN RSA PUBLIC KEY-----')) {
    throw new UsageError(`${file} is not a PEM public key (no "-----BEGIN PUBLIC KEY-----" block)`, { hint: keyHint });
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch (error) {
    throw new UsageError(`${file}: the public key cannot be read (${messageOf(error)})`, { cause: error, hint: keyHint });
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  if (type === 'ec') {
    const curve = details?.namedCurve ?? 'unknown';
    if (!supportedCurves.includes(curve)) throw new UsageError(`${file}: ECDSA curve ${curve} is not one cosign signs with (P-256, P-384, P-521)`);
    return key;
  }
  if (type === 'rsa') {
    const bits = details?.modulusLength ?? 0;
    if (bits < minRsaBits) throw new UsageError(`${file}: a ${bits}-bit RSA key is too weak to trust (at least ${minRsaBits} bits)`);
    return key;
  }
  if (type === 'ed25519') return key;
  throw new UsageError(`${file}: ${type ?? 'unknown'} keys are not supported (ECDSA, RSA or Ed25519)`);
}
