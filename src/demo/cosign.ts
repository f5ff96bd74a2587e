import { sign, type KeyObject } from 'node:crypto';
import type { RegistryPusher } from '../image/registry/push.js';
import { ArtifactAnnotation, ArtifactMediaType, cosignSignatureType } from '../distribute/signatures/media-types.js';
import { cosignTag } from '../distribute/signatures/tags.js';
import { digestOf } from '../image/digest.js';
import { MediaType } from '../image/media-types.js';

/**
 * cosign's key-based signature storage (`cosign sign --key`, legacy tag scheme): what the example
 * estate's Jenkins pipeline does after its push, so the demo's registry holds a real, verifiable
 * signature. The test support writes tampered variants with the same builders.
 */

/** The Simple Signing payload cosign signs: it names the image digest. */
export function simpleSigningPayload(digest: string, dockerReference: string, type = cosignSignatureType, optional: unknown = null): Buffer {
  return Buffer.from(
    JSON.stringify({ critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': digest }, type }, optional }),
  );
}

/** A signature as cosign makes it: ECDSA/RSA over SHA-256 of the payload (Ed25519 signs the bytes). */
export function cosignSignature(privateKey: KeyObject, data: Buffer): Buffer {
  return sign(privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256', data, privateKey);
}

/** cosign's config for a signature image: go-containerregistry's empty image with the layers as diff_ids. */
export function cosignConfig(layerDigests: readonly string[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: layerDigests.map(() => ({ created: '0001-01-01T00:00:00Z' })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layerDigests },
      config: {},
    }),
  );
}

/** Signs `digest` with the key and pushes the payload, config and `sha256-<hex>.sig` manifest. */
export async function signWithCosign(
  pusher: RegistryPusher,
  repository: string,
  digest: string,
  dockerReference: string,
  privateKey: KeyObject,
): Promise<string> {
  const payload = simpleSigningPayload(digest, dockerReference);
  const signature = cosignSignature(privateKey, payload);
  const layer = {
    mediaType: ArtifactMediaType.cosignSimpleSigning,
    size: payload.length,
    digest: digestOf(payload),
    annotations: { [ArtifactAnnotation.cosignSignature]: signature.toString('base64') },
  };
  const config = cosignConfig([layer.digest]);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, size: config.length, digest: digestOf(config) },
      layers: [layer],
    }),
  );
  const blobs = [
    { digest: layer.digest, data: payload },
    { digest: digestOf(config), data: config },
  ];
  return (await pusher.pushImage(repository, cosignTag(digest, 'sig'), { manifest, mediaType: MediaType.ociManifest, blobs })).digest;
}
