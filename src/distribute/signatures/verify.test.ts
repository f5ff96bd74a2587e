import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cosignSign, simpleSigningPayload } from '../../test-support/cosign.js';
import { signatureVerifies, verifySimpleSigning } from './verify.js';

const digest = `sha256:${'1'.repeat(64)}`;
const other = `sha256:${'2'.repeat(64)}`;
const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

function signed(privateKey: KeyObject, payload: Buffer): string {
  return cosignSign(privateKey, payload).toString('base64');
}

describe('verifySimpleSigning', () => {
  const payload = simpleSigningPayload(digest, 'registry.example/app');

  it('verifies a P-256 signature over a payload naming the image', () => {
    expect(verifySimpleSigning(payload, signed(p256.privateKey, payload), [p256.publicKey], digest)).toEqual({ verified: true, verifyError: undefined });
  });

  it('verifies when any of several keys fits', () => {
    expect(verifySimpleSigning(payload, signed(p256.privateKey, payload), [stranger.publicKey, p256.publicKey], digest).verified).toBe(true);
  });

  it('fails a signature made by another key', () => {
    const outcome = verifySimpleSigning(payload, signed(stranger.privateKey, payload), [p256.publicKey], digest);
    expect(outcome).toEqual({ verified: false, verifyError: 'signature does not verify with the given key' });
    expect(verifySimpleSigning(payload, signed(stranger.privateKey, payload), [p256.publicKey, p256.publicKey], digest).verifyError).toBe(
      'signature does not verify with any of the 2 given keys',
    );
  });

  it('fails a payload changed after signing, even by one byte', () => {
    const signature = signed(p256.privateKey, payload);
    const altered = Buffer.from(payload.toString().replace('registry.example', 'registry.exampla'));
    expect(verifySimpleSigning(altered, signature, [p256.publicKey], digest).verifyError).toBe('signature does not verify with the given key');
  });

  it('fails a valid signature over a payload naming another image', () => {
    const elsewhere = simpleSigningPayload(other, 'registry.example/app');
    expect(verifySimpleSigning(elsewhere, signed(p256.privateKey, elsewhere), [p256.publicKey], digest).verifyError).toBe(
      `payload names ${other} not the image digest ${digest}`,
    );
  });

  it('fails a valid signature over a payload that is not JSON, or not cosign’s type', () => {
    const junk = Buffer.from('definitely { not json');
    expect(verifySimpleSigning(junk, signed(p256.privateKey, junk), [p256.publicKey], digest).verifyError).toBe('payload is not valid JSON');
    const atomic = simpleSigningPayload(digest, 'x', 'atomic container signature');
    expect(verifySimpleSigning(atomic, signed(p256.privateKey, atomic), [p256.publicKey], digest).verifyError).toMatch(
      /payload type is "atomic container signature"/,
    );
    const shapeless = Buffer.from('{"critical":{}}');
    expect(verifySimpleSigning(shapeless, signed(p256.privateKey, shapeless), [p256.publicKey], digest).verifyError).toMatch(/not a Simple Signing document/);
  });

  it('accepts the spec example’s capitalised Docker-manifest-digest key, as cosign’s Go decoder does', () => {
    const capital = Buffer.from(
      JSON.stringify({ critical: { identity: {}, image: { 'Docker-manifest-digest': digest }, type: 'cosign container image signature' } }),
    );
    expect(verifySimpleSigning(capital, signed(p256.privateKey, capital), [p256.publicKey], digest).verified).toBe(true);
  });

  it('fails a layer without a signature, and a signature that is not a DER signature', () => {
    expect(verifySimpleSigning(payload, undefined, [p256.publicKey], digest).verified).toBe(false);
    expect(verifySimpleSigning(payload, '', [p256.publicKey], digest).verifyError).toMatch(/no signature/);
    expect(verifySimpleSigning(payload, Buffer.from('garbage').toString('base64'), [p256.publicKey], digest).verifyError).toMatch(/does not verify/);
  });
});

describe('signatureVerifies', () => {
  const data = Buffer.from('payload bytes');

  it('verifies P-384 signatures made with SHA-256 (cosign) and with SHA-384 (KMS)', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    expect(signatureVerifies(p384.publicKey, data, sign('sha256', data, p384.privateKey))).toBe(true);
    expect(signatureVerifies(p384.publicKey, data, sign('sha384', data, p384.privateKey))).toBe(true);
    expect(signatureVerifies(p384.publicKey, Buffer.from('other'), sign('sha384', data, p384.privateKey))).toBe(false);
  });

  it('verifies RSA PKCS#1 v1.5 SHA-256 and Ed25519 signatures, and refuses P1363-encoded ECDSA', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(signatureVerifies(rsa.publicKey, data, sign('sha256', data, rsa.privateKey))).toBe(true);
    expect(signatureVerifies(rsa.publicKey, data, sign('sha1', data, rsa.privateKey))).toBe(false);
    const ed = generateKeyPairSync('ed25519');
    expect(signatureVerifies(ed.publicKey, data, sign(null, data, ed.privateKey))).toBe(true);
    const raw = sign('sha256', data, { key: p256.privateKey, dsaEncoding: 'ieee-p1363' });
    expect(signatureVerifies(p256.publicKey, data, raw)).toBe(false);
  });
});
