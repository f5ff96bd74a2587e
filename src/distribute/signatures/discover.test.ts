import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaType } from '../../image/media-types.js';
import { RegistryClient, type FetchedManifest } from '../../image/registry/client.js';
import {
  attachSbom,
  attestImage,
  cosignSign,
  deleteBlob,
  dsseEnvelope,
  inTotoStatement,
  pushBuildkitIndex,
  pushNotationSignature,
  pushReferrer,
  pushSigstoreBundle,
  referrersTagOf,
  serveReferrers,
  signImage,
  simpleSigningPayload,
  type Subject,
} from '../../test-support/cosign.js';
import { FakeRegistry, startServer } from '../../test-support/registry.js';
import { discoverReferrers, type ReferrerDiscovery } from './discover.js';
import { ArtifactMediaType } from './media-types.js';
import { cosignTag } from './tags.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

const signer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const repo = 'team/app';

interface Setup {
  fake: FakeRegistry;
  client: RegistryClient;
  image: FetchedManifest;
  subject: Subject;
}

/** A FakeRegistry with one image; with `referrersApi`, it answers the referrers API like an OCI 1.1 registry. */
async function setup(referrersApi: boolean, pageSize = 50): Promise<Setup> {
  const fake = new FakeRegistry();
  if (referrersApi) serveReferrers(fake, pageSize);
  fake.addImage(repo, 'v1', [Buffer.from('layer one'), Buffer.from('layer two')]);
  const server = await startServer(fake.handler);
  const client = new RegistryClient(server.host, { plainHttp: true }, { retryDelayMs: 1, maxAttempts: 1 });
  open.push(server, client);
  const image = await client.getManifest(repo, 'v1');
  return { fake, client, image, subject: { mediaType: image.mediaType, digest: image.digest, size: image.body.length } };
}

async function discover(
  { client, image }: Pick<Setup, 'client' | 'image'>,
  keys = [signer.publicKey],
  signal?: AbortSignal,
): Promise<ReferrerDiscovery & { diagnostics: string[] }> {
  const diagnostics: string[] = [];
  const tags = new Set(await client.listTags(repo));
  const found = await discoverReferrers(client, repo, image, { tags, keys, diagnostics, signal });
  return { ...found, diagnostics };
}

function referrerRequests(fake: FakeRegistry): string[] {
  return fake.requests.filter((r) => r.path.includes('/referrers/')).map((r) => r.path);
}

describe('discoverReferrers: OCI 1.1 referrers API', () => {
  it('reads every kind of referrer across pages and classifies each', async () => {
    const s = await setup(true, 2);
    const notation = await pushNotationSignature(s.fake, repo, s.subject, signer.privateKey);
    const bundleSignature = await pushSigstoreBundle(s.fake, repo, s.subject, signer.privateKey);
    const bundleProvenance = await pushSigstoreBundle(s.fake, repo, s.subject, signer.privateKey, { predicateType: 'https://slsa.dev/provenance/v1' });
    const payload = simpleSigningPayload(s.subject.digest, repo);
    const legacySig = await pushReferrer(s.fake, repo, s.subject, {
      artifactType: ArtifactMediaType.cosignArtifactSig,
      layers: [
        {
          mediaType: ArtifactMediaType.cosignSimpleSigning,
          data: payload,
          annotations: { 'dev.cosignproject.cosign/signature': cosignSign(signer.privateKey, payload).toString('base64') },
        },
      ],
    });
    const legacyAtt = await pushReferrer(s.fake, repo, s.subject, {
      artifactType: ArtifactMediaType.inToto,
      layers: [
        {
          mediaType: ArtifactMediaType.dsseEnvelope,
          data: dsseEnvelope(signer.privateKey, inTotoStatement(repo, s.subject.digest, 'https://cosign.sigstore.dev/attestation/vuln/v1', {})),
        },
      ],
    });
    const spdx = await pushReferrer(s.fake, repo, s.subject, {
      artifactType: 'application/spdx+json',
      layers: [{ mediaType: 'application/spdx+json', data: Buffer.from('{"spdxVersion":"SPDX-2.3"}') }],
    });
    const chart = await pushReferrer(s.fake, repo, s.subject, {
      artifactType: 'application/vnd.example.thing',
      layers: [{ mediaType: 'application/octet-stream', data: Buffer.from('x') }],
    });

    const found = await discover(s);
    expect(found.signatures).toEqual(
      expect.arrayContaining([
        { format: 'notation', source: 'referrers-api', manifestDigest: notation.digest, verified: undefined, verifyError: undefined },
        { format: 'cosign-bundle', source: 'referrers-api', manifestDigest: bundleSignature.digest, verified: undefined, verifyError: undefined },
        { format: 'cosign', source: 'referrers-api', manifestDigest: legacySig.digest, verified: true, verifyError: undefined },
      ]),
    );
    expect(found.signatures).toHaveLength(3);
    expect(found.attestations).toEqual(
      expect.arrayContaining([
        { kind: 'provenance', predicateType: 'https://slsa.dev/provenance/v1', source: 'referrers-api', manifestDigest: bundleProvenance.digest, signed: true },
        {
          kind: 'vulnerability-report',
          predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1',
          source: 'referrers-api',
          manifestDigest: legacyAtt.digest,
          signed: true,
        },
        { kind: 'sbom', predicateType: 'application/spdx+json', source: 'referrers-api', manifestDigest: spdx.digest, signed: false },
      ]),
    );
    expect(found.attestations).toHaveLength(3);
    expect(found.artifactDigests.sort()).toEqual([notation, bundleSignature, bundleProvenance, legacySig, legacyAtt, spdx, chart].map((a) => a.digest).sort());
    // Notation and bundle signatures are listed, not verified, and the report says so.
    expect(found.diagnostics.filter((d) => d.includes('only key-based cosign signatures are verified'))).toHaveLength(2);
    expect(found.diagnostics).toHaveLength(2);
    // Seven referrers, two per page: four pages, and no fallback tag was written or read.
    expect(referrerRequests(s.fake)).toHaveLength(4);
    expect(s.fake.manifests.has(`${repo}:${referrersTagOf(s.subject.digest)}`)).toBe(false);
  });

  it('without keys verifies nothing and notes nothing', async () => {
    const s = await setup(true);
    await pushNotationSignature(s.fake, repo, s.subject, signer.privateKey);
    await signImage(s.fake, repo, s.subject.digest, signer.privateKey);
    const found = await discover(s, []);
    expect(found.signatures.map((sig) => [sig.format, sig.verified])).toEqual([
      ['cosign', undefined],
      ['notation', undefined],
    ]);
    expect(found.diagnostics).toEqual([]);
  });

  it('turns a referrers answer that is not JSON into a diagnostic and still reads the fallback tag', async () => {
    const s = await setup(false);
    const notation = await pushNotationSignature(s.fake, repo, s.subject, signer.privateKey); // no API: written to the fallback tag
    s.fake.intercept = (req, res) => {
      if (!req.url?.includes('/referrers/')) return false;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"manifests": [oops');
      return true;
    };
    const found = await discover(s);
    expect(found.diagnostics.some((d) => d.includes('referrers of') && d.includes('not JSON'))).toBe(true);
    expect(found.signatures).toMatchObject([{ format: 'notation', source: 'referrers-tag', manifestDigest: notation.digest }]);
  });

  it('stops following referrers at the bound, with a diagnostic', async () => {
    const s = await setup(true, 500);
    for (let i = 0; i < 103; i++) {
      await pushReferrer(s.fake, repo, s.subject, {
        artifactType: 'application/vnd.example.thing',
        layers: [{ mediaType: 'application/octet-stream', data: Buffer.from(String(i)) }],
      });
    }
    const found = await discover(s);
    expect(found.artifactDigests).toHaveLength(100);
    expect(found.diagnostics).toEqual([expect.stringContaining('more than 100 signature/attestation manifests')]);
  });
});

describe('discoverReferrers: registries without the referrers API', () => {
  it('uses the fallback tag after a 404, and asks the API only once per client', async () => {
    const s = await setup(false);
    const notation = await pushNotationSignature(s.fake, repo, s.subject, signer.privateKey);
    const first = await discover(s);
    const second = await discover(s);
    for (const found of [first, second]) {
      expect(found.signatures).toMatchObject([{ format: 'notation', source: 'referrers-tag', manifestDigest: notation.digest, verified: undefined }]);
      const tagIndex = s.fake.manifests.get(`${repo}:${referrersTagOf(s.subject.digest)}`);
      expect(tagIndex).toBeDefined();
      expect(found.artifactDigests).toContain(notation.digest);
    }
    expect(referrerRequests(s.fake)).toHaveLength(1);
  });

  it('ignores a fallback tag that holds a manifest, and fallback entries for another subject', async () => {
    const s = await setup(false);
    const other = s.fake.addImage(repo, 'v2', [Buffer.from('other layer')]);
    const otherSubject = { mediaType: MediaType.ociManifest, digest: other.manifestDigest, size: other.manifestSize };
    const stray = await pushNotationSignature(s.fake, repo, otherSubject, signer.privateKey);
    // Someone copies the other image's referrer into this image's fallback index.
    const index = {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [{ mediaType: MediaType.ociManifest, digest: stray.digest, size: stray.size }],
    };
    s.fake.addManifest(repo, [referrersTagOf(s.subject.digest)], index, MediaType.ociIndex);
    const found = await discover(s);
    expect(found.signatures).toEqual([]);
    expect(found.diagnostics).toEqual([expect.stringContaining(`names the subject ${other.manifestDigest}; ignored`)]);

    const t = await setup(false);
    t.fake.addManifest(repo, [referrersTagOf(t.subject.digest)], JSON.parse(t.image.body.toString()) as object);
    const flat = await discover(t);
    expect(flat.signatures).toEqual([]);
    expect(flat.diagnostics).toEqual([expect.stringContaining('holds a manifest, not an image index; no referrers assumed')]);
  });
});

describe('discoverReferrers: cosign tags', () => {
  it('reads .sig, .att and .sbom, decoding the predicate type when the annotation is missing', async () => {
    const s = await setup(true);
    const sig = await signImage(s.fake, repo, s.subject.digest, signer.privateKey);
    await attestImage(s.fake, repo, s.subject.digest, signer.privateKey, { predicateType: 'https://slsa.dev/provenance/v0.2' });
    // A second attestation is appended to the same .att manifest, which gets a new digest.
    const att = await attestImage(s.fake, repo, s.subject.digest, signer.privateKey, { predicateType: 'https://spdx.dev/Document', annotate: false });
    const sbom = await attachSbom(s.fake, repo, s.subject.digest, Buffer.from('SPDXVersion: SPDX-2.3'), 'text/spdx');
    const found = await discover(s);
    expect(found.signatures).toEqual([{ format: 'cosign', source: 'cosign-tag', manifestDigest: sig.digest, verified: true, verifyError: undefined }]);
    expect(found.attestations).toEqual([
      { kind: 'provenance', predicateType: 'https://slsa.dev/provenance/v0.2', source: 'cosign-tag', manifestDigest: att.digest, signed: true },
      { kind: 'sbom', predicateType: 'https://spdx.dev/Document', source: 'cosign-tag', manifestDigest: att.digest, signed: true },
      { kind: 'sbom', predicateType: 'text/spdx', source: 'cosign-tag', manifestDigest: sbom.digest, signed: false },
    ]);
    expect(found.artifactDigests.sort()).toEqual([sig.digest, att.digest, sbom.digest].sort());
    expect(found.diagnostics).toEqual([]);
  });

  it('reports a signature whose payload blob is gone (with keys), and does not read payloads without keys', async () => {
    const s = await setup(true);
    const sig = await signImage(s.fake, repo, s.subject.digest, signer.privateKey);
    await deleteBlob(s.fake, repo, sig.payloadDigest);
    const found = await discover(s);
    expect(found.signatures).toEqual([
      {
        format: 'cosign',
        source: 'cosign-tag',
        manifestDigest: sig.digest,
        verified: false,
        verifyError: `the signed payload (blob ${sig.payloadDigest}) could not be read`,
      },
    ]);
    expect(found.diagnostics).toEqual([expect.stringContaining(`payload blob ${sig.payloadDigest}`)]);
    const blind = await discover(s, []);
    expect(blind.signatures).toMatchObject([{ verified: undefined }]);
    expect(blind.diagnostics).toEqual([]);
  });

  it('turns a garbage attestation envelope and a .sig tag holding an index into diagnostics', async () => {
    const s = await setup(true);
    const att = await attestImage(s.fake, repo, s.subject.digest, signer.privateKey, {
      predicateType: 'x',
      annotate: false,
      envelope: Buffer.from('<<not json>>'),
    });
    s.fake.addManifest(repo, [cosignTag(s.subject.digest, 'sig')], { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }, MediaType.ociIndex);
    const found = await discover(s);
    expect(found.attestations).toEqual([{ kind: 'other', predicateType: undefined, source: 'cosign-tag', manifestDigest: att.digest, signed: true }]);
    expect(found.signatures).toEqual([]);
    expect(found.diagnostics).toHaveLength(2);
    expect(found.diagnostics.some((d) => d.includes('is not valid JSON'))).toBe(true);
    expect(found.diagnostics.some((d) => d.includes('is an image index, not a manifest'))).toBe(true);
  });

  it('fails verification for each way a signature can be wrong, in one .sig manifest', async () => {
    const s = await setup(true);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await signImage(s.fake, repo, s.subject.digest, signer.privateKey);
    await signImage(s.fake, repo, s.subject.digest, signer.privateKey, { signedPayload: Buffer.from('another payload') });
    await signImage(s.fake, repo, s.subject.digest, stranger.privateKey);
    const sig = await signImage(s.fake, repo, s.subject.digest, signer.privateKey, { namedDigest: `sha256:${'9'.repeat(64)}` });
    const found = await discover(s);
    expect(found.signatures.map((x) => [x.manifestDigest, x.verified, x.verifyError])).toEqual([
      [sig.digest, true, undefined],
      [sig.digest, false, 'signature does not verify with the given key'],
      [sig.digest, false, 'signature does not verify with the given key'],
      [sig.digest, false, `payload names sha256:${'9'.repeat(64)} not the image digest ${s.subject.digest}`],
    ]);
    // The stranger's key verifies the stranger's signature only.
    const theirs = await discover(s, [stranger.publicKey]);
    expect(theirs.signatures.map((x) => x.verified)).toEqual([false, false, true, false]);
  });
});

describe('discoverReferrers: image indexes', () => {
  it('finds BuildKit attestations and the signatures of platform manifests', async () => {
    const s = await setup(false);
    const platformSig = await signImage(s.fake, repo, s.subject.digest, signer.privateKey);
    const pushed = await pushBuildkitIndex(s.fake, repo, 'multi', s.subject, [
      { predicateType: 'https://slsa.dev/provenance/v0.2' },
      { predicateType: 'https://spdx.dev/Document' },
    ]);
    const indexSig = await signImage(s.fake, repo, pushed.indexDigest, signer.privateKey);
    const index = await s.client.getManifest(repo, 'multi');
    const found = await discover({ client: s.client, image: index });
    expect(found.signatures).toEqual([
      { format: 'cosign', source: 'cosign-tag', manifestDigest: indexSig.digest, verified: true, verifyError: undefined },
      { format: 'cosign', source: 'cosign-tag', manifestDigest: platformSig.digest, verified: true, verifyError: undefined },
    ]);
    expect(found.attestations).toEqual([
      {
        kind: 'provenance',
        predicateType: 'https://slsa.dev/provenance/v0.2',
        source: 'buildkit-index',
        manifestDigest: pushed.attestationDigest,
        signed: false,
      },
      { kind: 'sbom', predicateType: 'https://spdx.dev/Document', source: 'buildkit-index', manifestDigest: pushed.attestationDigest, signed: false },
    ]);
    expect(found.artifactDigests.sort()).toEqual([platformSig.digest, indexSig.digest, pushed.attestationDigest].sort());
    expect(found.artifactDigests).not.toContain(s.subject.digest);
    expect(found.diagnostics).toEqual([]);
  });
});

describe('discoverReferrers: cancellation', () => {
  it('propagates an abort instead of turning it into a diagnostic', async () => {
    const s = await setup(true);
    await signImage(s.fake, repo, s.subject.digest, signer.privateKey);
    const controller = new AbortController();
    controller.abort();
    await expect(discover(s, [signer.publicKey], controller.signal)).rejects.toThrow();
  });
});
