import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, type FetchedManifest } from '../../image/registry/client.js';
import {
  attachSbom,
  attestImage,
  deleteBlob,
  pushBuildkitIndex,
  pushNotationSignature,
  pushSigstoreBundle,
  signImage,
  type Subject,
} from '../../test-support/cosign.js';
import { pushImage, registryMissing, startRegistry, type RunningRegistry } from '../../test-support/registry.js';
import { sharedAbsent, sharedPath } from '../../test-support/shared.js';
import { skipWhen } from '../../test-support/skip.js';
import { discoverReferrers, type ReferrerDiscovery } from './discover.js';
import { loadPublicKey } from './keys.js';
import { isArtifactTag, referrersTag } from './tags.js';

const repo = 'team/app';
const elsewhere = `sha256:${'e'.repeat(64)}`;

describe('signatures and attestations in a real registry', skipWhen(sharedAbsent, registryMissing({ skopeo: true })), () => {
  const signer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  // The key as a user gives it: a PEM file read back through loadPublicKey.
  const key = loadPublicKey(signer.publicKey.export({ type: 'spki', format: 'pem' }), 'cosign.pub');
  let registry: RunningRegistry;
  let client: RegistryClient;
  let bookworm: FetchedManifest;
  let bullseye: FetchedManifest;
  let multi: FetchedManifest;
  const pushed: Record<string, string> = {};

  const subjectOf = (image: FetchedManifest): Subject => ({ mediaType: image.mediaType, digest: image.digest, size: image.body.length });

  async function discover(image: FetchedManifest, keys = [key]): Promise<ReferrerDiscovery & { diagnostics: string[] }> {
    const diagnostics: string[] = [];
    const tags = new Set(await client.listTags(repo));
    return { ...(await discoverReferrers(client, repo, image, { tags, keys, diagnostics })), diagnostics };
  }

  beforeAll(async () => {
    registry = await startRegistry();
    await Promise.all([
      pushImage(sharedPath('images', 'debian-bookworm.oci.tar'), registry, `${repo}:bookworm`),
      pushImage(sharedPath('images', 'bullseye-app.oci.tar'), registry, `${repo}:bullseye`),
    ]);
    client = new RegistryClient(registry.host, { plainHttp: true });
    bookworm = await client.getManifest(repo, 'bookworm');
    bullseye = await client.getManifest(repo, 'bullseye');

    // bookworm: four signatures in one .sig (cosign appends), of which one is sound.
    await signImage(registry, repo, bookworm.digest, signer.privateKey);
    await signImage(registry, repo, bookworm.digest, signer.privateKey, { signedPayload: Buffer.from('the payload that was really signed') });
    await signImage(registry, repo, bookworm.digest, stranger.privateKey);
    pushed.bookwormSig = (await signImage(registry, repo, bookworm.digest, signer.privateKey, { namedDigest: elsewhere })).digest;
    await attestImage(registry, repo, bookworm.digest, signer.privateKey, {
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: { buildDefinition: {} },
    });
    pushed.bookwormAtt = (
      await attestImage(registry, repo, bookworm.digest, signer.privateKey, { predicateType: 'https://spdx.dev/Document', annotate: false })
    ).digest;
    pushed.bookwormSbom = (
      await attachSbom(registry, repo, bookworm.digest, Buffer.from('{"bomFormat":"CycloneDX"}'), 'application/vnd.cyclonedx+json')
    ).digest;
    pushed.notation = (await pushNotationSignature(registry, repo, subjectOf(bookworm), signer.privateKey)).digest;
    pushed.bundle = (await pushSigstoreBundle(registry, repo, subjectOf(bookworm), signer.privateKey, { predicateType: 'https://cyclonedx.org/bom' })).digest;

    // bullseye: one sound signature; a BuildKit index over it, signed, whose payload blob is then deleted.
    pushed.bullseyeSig = (await signImage(registry, repo, bullseye.digest, signer.privateKey)).digest;
    const index = await pushBuildkitIndex(registry, repo, 'multi', subjectOf(bullseye), [
      { predicateType: 'https://slsa.dev/provenance/v0.2', predicate: { builder: { id: 'https://github.com/docker/buildx' } } },
      { predicateType: 'https://spdx.dev/Document' },
    ]);
    pushed.attestationManifest = index.attestationDigest;
    const indexSig = await signImage(registry, repo, index.indexDigest, signer.privateKey);
    pushed.indexSig = indexSig.digest;
    pushed.indexPayload = indexSig.payloadDigest;
    await deleteBlob(registry, repo, indexSig.payloadDigest);
    multi = await client.getManifest(repo, 'multi');
  }, 300_000);

  afterAll(async () => {
    await client?.close();
    await registry?.stop();
  });

  it("Debian's registry has no referrers API: getReferrers answers undefined (404)", async () => {
    await expect(client.getReferrers(repo, bookworm.digest)).resolves.toBeUndefined();
  });

  it('a valid cosign signature verifies with the signer’s public key', async () => {
    const found = await discover(bullseye);
    expect(found.signatures).toEqual([{ format: 'cosign', source: 'cosign-tag', manifestDigest: pushed.bullseyeSig, verified: true, verifyError: undefined }]);
    expect(found.attestations).toEqual([]);
    expect(found.artifactDigests).toEqual([pushed.bullseyeSig]);
    expect(found.diagnostics).toEqual([]);
  });

  it('tampered payloads, another signer’s key and a payload naming another digest each fail for their own reason', async () => {
    const found = await discover(bookworm);
    const cosign = found.signatures.filter((s) => s.format === 'cosign');
    expect(cosign.map((s) => [s.source, s.manifestDigest, s.verified, s.verifyError])).toEqual([
      ['cosign-tag', pushed.bookwormSig, true, undefined],
      ['cosign-tag', pushed.bookwormSig, false, 'signature does not verify with the given key'],
      ['cosign-tag', pushed.bookwormSig, false, 'signature does not verify with the given key'],
      ['cosign-tag', pushed.bookwormSig, false, `payload names ${elsewhere} not the image digest ${bookworm.digest}`],
    ]);
    const byStranger = await discover(bookworm, [loadPublicKey(stranger.publicKey.export({ type: 'spki', format: 'pem' }), 'stranger.pub')]);
    expect(byStranger.signatures.filter((s) => s.format === 'cosign').map((s) => s.verified)).toEqual([false, false, true, false]);
    const unverified = await discover(bookworm, []);
    expect(unverified.signatures.every((s) => s.verified === undefined && s.verifyError === undefined)).toBe(true);
  });

  it('finds the SLSA attestation, the statement-only SPDX attestation and the attached SBOM', async () => {
    const found = await discover(bookworm);
    expect(found.attestations).toEqual(
      expect.arrayContaining([
        { kind: 'provenance', predicateType: 'https://slsa.dev/provenance/v1', source: 'cosign-tag', manifestDigest: pushed.bookwormAtt, signed: true },
        { kind: 'sbom', predicateType: 'https://spdx.dev/Document', source: 'cosign-tag', manifestDigest: pushed.bookwormAtt, signed: true },
        { kind: 'sbom', predicateType: 'application/vnd.cyclonedx+json', source: 'cosign-tag', manifestDigest: pushed.bookwormSbom, signed: false },
      ]),
    );
  });

  it('finds the Notation signature and the Sigstore bundle attestation through the referrers fallback tag', async () => {
    const tags = await client.listTags(repo);
    expect(tags).toContain(referrersTag(bookworm.digest));
    const found = await discover(bookworm);
    expect(found.signatures).toContainEqual({
      format: 'notation',
      source: 'referrers-tag',
      manifestDigest: pushed.notation,
      verified: undefined,
      verifyError: undefined,
    });
    expect(found.attestations).toContainEqual({
      kind: 'sbom',
      predicateType: 'https://cyclonedx.org/bom',
      source: 'referrers-tag',
      manifestDigest: pushed.bundle,
      signed: true,
    });
    expect(found.signatures).toHaveLength(5);
    expect(found.attestations).toHaveLength(4);
    expect(found.diagnostics).toEqual([expect.stringContaining(`Notation signature ${registry.host}/${repo}@${pushed.notation} was not verified`)]);
    const fallbackIndex = await client.getManifest(repo, referrersTag(bookworm.digest));
    expect(found.artifactDigests.sort()).toEqual(
      [pushed.bookwormSig, pushed.bookwormAtt, pushed.bookwormSbom, pushed.notation, pushed.bundle, fallbackIndex.digest].sort(),
    );
  });

  it('finds BuildKit attestations in an index, the platform manifest’s signature, and reports the index signature’s missing payload', async () => {
    const found = await discover(multi);
    expect(found.attestations).toEqual([
      {
        kind: 'provenance',
        predicateType: 'https://slsa.dev/provenance/v0.2',
        source: 'buildkit-index',
        manifestDigest: pushed.attestationManifest,
        signed: false,
      },
      { kind: 'sbom', predicateType: 'https://spdx.dev/Document', source: 'buildkit-index', manifestDigest: pushed.attestationManifest, signed: false },
    ]);
    expect(found.signatures).toEqual([
      {
        format: 'cosign',
        source: 'cosign-tag',
        manifestDigest: pushed.indexSig,
        verified: false,
        verifyError: `the signed payload (blob ${pushed.indexPayload}) could not be read`,
      },
      { format: 'cosign', source: 'cosign-tag', manifestDigest: pushed.bullseyeSig, verified: true, verifyError: undefined },
    ]);
    expect(found.diagnostics).toHaveLength(1);
    expect(found.diagnostics[0]).toContain(`payload blob ${pushed.indexPayload}`);
    expect(found.diagnostics[0]).toMatch(/missing blob|not found/);
  });

  it('tells artifact tags from image tags', async () => {
    const tags = await client.listTags(repo);
    expect(tags.filter((tag) => !isArtifactTag(tag)).sort()).toEqual(['bookworm', 'bullseye', 'multi']);
    expect(tags.filter(isArtifactTag)).toHaveLength(6); // bookworm .sig .att .sbom + fallback; bullseye .sig; multi .sig
  });
});
