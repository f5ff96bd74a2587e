import { constants, verify, type KeyObject } from 'node:crypto';
import { cosignSignatureType } from './media-types.js';
import { isRecord } from '../../core/records.js';

export interface VerifyOutcome {
  verified: boolean;
  /** Why not; undefined when verified. */
  verifyError: string | undefined;
}

/** The digests a signer may have used with a key: cosign hashes with SHA-256, KMS keys of larger curves with their own size. */
function hashesFor(key: KeyObject): (string | null)[] {
  if (key.asymmetricKeyType === 'ed25519') return [null];
  if (key.asymmetricKeyType !== 'ec') return ['sha256'];
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'secp384r1') return ['sha256', 'sha384'];
  if (curve === 'secp521r1') return ['sha256', 'sha512'];
  return ['sha256'];
}

/**
 * Does `signature` (cosign stores DER ECDSA, PKCS#1 v1.5 RSA, or raw Ed25519) verify over `data`
 * with `key`. A malformed signature makes OpenSSL throw; that is a signature that does not verify.
 */
export function signatureVerifies(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  const target = key.asymmetricKeyType === 'rsa' ? { key, padding: constants.RSA_PKCS1_PADDING } : key;
  return hashesFor(key).some((hash) => {
    try {
      return verify(hash, data, target, signature);
    } catch {
      return false;
    }
  });
}

/** `critical.image["docker-manifest-digest"]`; Go's JSON decoding, which cosign uses, matches keys case-insensitively. */
function namedDigest(image: Record<string, unknown>): unknown {
  const key = Object.keys(image).find((name) => name.toLowerCase() === 'docker-manifest-digest');
  return key === undefined ? undefined : image[key];
}

/**
 * Verifies one cosign signature: the base64 `signature` over the Simple Signing `payload` with one of
 * `keys`, then the payload itself: `critical.type` is cosign's and `critical.image` names `imageDigest`.
 * A signature over a payload for another image is a valid signature of the wrong thing.
 */
export function verifySimpleSigning(payload: Buffer, signature: string | undefined, keys: readonly KeyObject[], imageDigest: string): VerifyOutcome {
  if (signature === undefined || signature.trim() === '') {
    return { verified: false, verifyError: 'the layer carries no signature (dev.cosignproject.cosign/signature is empty)' };
  }
  const signatureBytes = Buffer.from(signature.trim(), 'base64');
  if (!keys.some((key) => signatureVerifies(key, payload, signatureBytes))) {
    const which = keys.length === 1 ? 'the given key' : `any of the ${keys.length} given keys`;
    return { verified: false, verifyError: `signature does not verify with ${which}` };
  }
  let document: unknown;
  try {
    document = JSON.parse(payload.toString('utf8'));
  } catch {
    return { verified: false, verifyError: 'payload is not valid JSON' };
  }
  const critical = isRecord(document) ? document.critical : undefined;
  if (!isRecord(critical) || !isRecord(critical.image)) {
    return { verified: false, verifyError: 'payload is not a Simple Signing document (no critical.image)' };
  }
  if (critical.type !== cosignSignatureType) {
    return { verified: false, verifyError: `payload type is ${JSON.stringify(critical.type)}, not "${cosignSignatureType}"` };
  }
  const named = namedDigest(critical.image);
  if (named !== imageDigest) {
    const shown = typeof named === 'string' ? named : JSON.stringify(named ?? null);
    return { verified: false, verifyError: `payload names ${shown} not the image digest ${imageDigest}` };
  }
  return { verified: true, verifyError: undefined };
}
