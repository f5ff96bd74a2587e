import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { loadPublicKey } from './keys.js';

function publicPem(type: 'ec' | 'rsa' | 'ed25519', options: object): string {
  const { publicKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

describe('loadPublicKey', () => {
  it('reads ECDSA P-256 and P-384, RSA and Ed25519 public keys from PEM text or bytes', () => {
    expect(loadPublicKey(publicPem('ec', { namedCurve: 'prime256v1' }), 'p256.pub').asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(loadPublicKey(Buffer.from(publicPem('ec', { namedCurve: 'secp384r1' })), 'p384.pub').asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(loadPublicKey(publicPem('rsa', { modulusLength: 2048 }), 'rsa.pub').asymmetricKeyType).toBe('rsa');
    expect(loadPublicKey(publicPem('ed25519', {}), 'ed.pub').asymmetricKeyType).toBe('ed25519');
  });

  it('refuses a private key, naming the file and saying what to give instead', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadPublicKey(pem, 'cosign.key')).toThrow(UsageError);
    expect(() => loadPublicKey(pem, 'cosign.key')).toThrow(/cosign\.key holds a private key/);
    // cosign's own encrypted private key file
    expect(() => loadPublicKey('-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n', 'cosign.key')).toThrow(
      /private key/,
    );
  });

  it('refuses garbage, a damaged PEM body, an unsupported curve and a weak RSA key', () => {
    expect(() => loadPublicKey('not a key at all', 'junk.pub')).toThrow(/junk\.pub is not a PEM public key/);
    expect(() => loadPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', 'broken.pub')).toThrow(
      /broken\.pub: the public key cannot be read/,
    );
    expect(() => loadPublicKey(publicPem('ec', { namedCurve: 'secp256k1' }), 'k1.pub')).toThrow(/curve secp256k1/);
    expect(() => loadPublicKey(publicPem('rsa', { modulusLength: 1024 }), 'weak.pub')).toThrow(/1024-bit RSA key is too weak/);
  });
});
