import { createHash, sign, type KeyObject } from 'node:crypto';
import { Agent, request } from 'undici';
import { digestOf, isDigest, parseDigest } from '../image/digest.js';
import { MediaType } from '../image/media-types.js';
import { cosignConfig, cosignSignature as cosignSign, simpleSigningPayload } from '../demo/cosign.js';
import { ArtifactAnnotation, ArtifactMediaType } from '../distribute/signatures/media-types.js';
import { cosignTag } from '../distribute/signatures/tags.js';
import { putBlob, type FakeRegistry, type RunningRegistry } from './registry.js';

export { cosignSign, simpleSigningPayload };

/**
 * Writes signatures and attestations into a registry the way the real tools do — cosign's legacy
 * `.sig/.att/.sbom` tags (byte-for-byte the shapes of cosign's go-containerregistry output),
 * OCI 1.1 referrers (Notation, Sigstore bundles) with the fallback tag a registry without the
 * referrers API needs, and BuildKit's attestation manifests in an index — with keys the test makes.
 * Options tamper on purpose, to test that verification fails for the right reason.
 */

/** A real registry (Debian's docker-registry) or an in-memory FakeRegistry served by the test. */
export type CosignTarget = RunningRegistry | FakeRegistry;

export interface Subject {
  mediaType: string;
  digest: string;
  size: number;
}

export interface PushedArtifact {
  /** Digest of the signature/attestation manifest. */
  digest: string;
  size: number;
  /** The tag it was stored under (cosign tags; undefined for referrers stored by digest). */
  tag: string | undefined;
}

const dsse = 'application/vnd.dsse.envelope.v1+json';
const inToto = 'application/vnd.in-toto+json';

const emptyJson = Buffer.from('{}');
const emptyMediaType = 'application/vnd.oci.empty.v1+json';

// ---------------------------------------------------------------------------------------------
// Storage: the same writes against a real registry (HTTP) or a FakeRegistry (its maps)

interface Store {
  putBlob(data: Buffer): Promise<string>;
  /** PUTs a manifest or index by tag or digest; returns its digest. */
  putManifest(reference: string, body: Buffer, mediaType: string): Promise<string>;
  getManifest(reference: string): Promise<Buffer | undefined>;
  deleteBlob(digest: string): Promise<void>;
  /** Keeps referrers itself (a registry with the referrers API): no fallback tag to maintain. */
  servesReferrers: boolean;
}

const fakesServingReferrers = new WeakSet<FakeRegistry>();

function isRunning(target: CosignTarget): target is RunningRegistry {
  return 'url' in target && typeof target.url === 'string';
}

function storeFor(target: CosignTarget, repository: string): Store {
  if (isRunning(target)) return registryStore(target, repository);
  return {
    putBlob: (data) => {
      const digest = digestOf(data);
      target.blobs.set(digest, data);
      return Promise.resolve(digest);
    },
    putManifest: (reference, body, mediaType) => Promise.resolve(target.addManifest(repository, isDigest(reference) ? [] : [reference], body, mediaType)),
    getManifest: (reference) => Promise.resolve(target.manifests.get(`${repository}${isDigest(reference) ? '@' : ':'}${reference}`)?.body),
    deleteBlob: (digest) => {
      target.blobs.delete(digest);
      return Promise.resolve();
    },
    servesReferrers: fakesServingReferrers.has(target),
  };
}

function registryStore(registry: RunningRegistry, repository: string): Store {
  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: Buffer) => {
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      const response = await request(`${registry.url}/v2/${repository}/${path}`, { method: method as 'GET', headers, body, dispatcher });
      const data = Buffer.from(await response.body.arrayBuffer());
      return { status: response.statusCode, data, headers: response.headers };
    } finally {
      await dispatcher.close();
    }
  };
  return {
    putBlob: (data) => putBlob(registry, repository, data),
    putManifest: async (reference, body, mediaType) => {
      const answer = await call('PUT', `manifests/${reference}`, { 'content-type': mediaType }, body);
      if (answer.status !== 201) throw new Error(`PUT manifest ${reference} answered ${answer.status}: ${answer.data.toString()}`);
      return digestOf(body);
    },
    getManifest: async (reference) => {
      const accept = [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList].join(', ');
      const answer = await call('GET', `manifests/${reference}`, { accept });
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw new Error(`GET manifest ${reference} answered ${answer.status}`);
      return answer.data;
    },
    deleteBlob: async (digest) => {
      const answer = await call('DELETE', `blobs/${digest}`);
      if (answer.status !== 202) throw new Error(`DELETE blob ${digest} answered ${answer.status}: ${answer.data.toString()}`);
    },
    servesReferrers: false, // Debian's docker-registry (distribution 2.8) has no referrers API
  };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

// ---------------------------------------------------------------------------------------------
// cosign's legacy tag storage

interface Layer {
  mediaType: string;
  size: number;
  digest: string;
  annotations?: Record<string, string>;
}

interface CosignManifest {
  schemaVersion: 2;
  mediaType: string;
  config: { mediaType: string; size: number; digest: string };
  layers: Layer[];
}

/** Adds a layer to the manifest under a cosign tag (creating it), as `cosign sign/attest` append. */
async function appendCosignLayer(store: Store, tag: string, layer: Layer, replace: boolean): Promise<PushedArtifact> {
  const existing = replace ? undefined : await store.getManifest(tag);
  const previous = existing === undefined ? [] : (JSON.parse(existing.toString('utf8')) as CosignManifest).layers;
  const layers = [...previous, layer];
  const config = cosignConfig(layers.map((entry) => entry.digest));
  const configDigest = await store.putBlob(config);
  const manifest: CosignManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, size: config.length, digest: configDigest },
    layers,
  };
  const body = json(manifest);
  const digest = await store.putManifest(tag, body, MediaType.ociManifest);
  return { digest, size: body.length, tag };
}

export interface SignOptions {
  /** `critical.identity.docker-reference` (default: the repository). */
  dockerReference?: string;
  /** Tamper: the payload names this digest instead of the signed image's. */
  namedDigest?: string;
  /** Tamper: `critical.type`. */
  payloadType?: string;
  /** Tamper: sign these bytes, but store the genuine payload (or `payload`). */
  signedPayload?: Buffer;
  /** Tamper: store (and sign) these bytes as the payload, e.g. not JSON. */
  payload?: Buffer;
  /** Start a fresh `.sig` manifest instead of appending a signature to it. */
  replace?: boolean;
}

/** `cosign sign --key`: a Simple Signing payload blob and a layer in `<alg>-<hex>.sig`, signature in its annotation. */
export async function signImage(
  target: CosignTarget,
  repository: string,
  digest: string,
  privateKey: KeyObject,
  options: SignOptions = {},
): Promise<PushedArtifact & { payloadDigest: string }> {
  const store = storeFor(target, repository);
  const payload = options.payload ?? simpleSigningPayload(options.namedDigest ?? digest, options.dockerReference ?? repository, options.payloadType);
  const signature = cosignSign(privateKey, options.signedPayload ?? payload);
  const payloadDigest = await store.putBlob(payload);
  const layer: Layer = {
    mediaType: ArtifactMediaType.cosignSimpleSigning,
    size: payload.length,
    digest: payloadDigest,
    annotations: { [ArtifactAnnotation.cosignSignature]: signature.toString('base64') },
  };
  const pushed = await appendCosignLayer(store, cosignTag(digest, 'sig'), layer, options.replace === true);
  return { ...pushed, payloadDigest };
}

/** DSSE's pre-authentication encoding: what is actually signed. */
function dssePae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `), payload]);
}

/** An in-toto statement about `digest`. */
export function inTotoStatement(name: string, digest: string, predicateType: string, predicate: unknown): Buffer {
  const { algorithm, hex } = parseDigest(digest);
  return json({ _type: 'https://in-toto.io/Statement/v0.1', predicateType, subject: [{ name, digest: { [algorithm]: hex } }], predicate });
}

/** A DSSE envelope around a statement, signed with the key. */
export function dsseEnvelope(privateKey: KeyObject, statement: Buffer): Buffer {
  const signature = cosignSign(privateKey, dssePae(inToto, statement));
  return json({ payloadType: inToto, payload: statement.toString('base64'), signatures: [{ keyid: '', sig: signature.toString('base64') }] });
}

export interface AttestOptions {
  predicateType: string;
  predicate?: unknown;
  /** false: leave out the `predicateType` layer annotation (readers must decode the statement). */
  annotate?: boolean;
  /** Store these bytes as the envelope instead (garbage on purpose). */
  envelope?: Buffer;
  replace?: boolean;
}

/** `cosign attest --key`: a DSSE envelope layer in `<alg>-<hex>.att`, annotated with its predicate type. */
export async function attestImage(
  target: CosignTarget,
  repository: string,
  digest: string,
  privateKey: KeyObject,
  options: AttestOptions,
): Promise<PushedArtifact> {
  const store = storeFor(target, repository);
  const envelope = options.envelope ?? dsseEnvelope(privateKey, inTotoStatement(repository, digest, options.predicateType, options.predicate ?? {}));
  const envelopeDigest = await store.putBlob(envelope);
  const annotations: Record<string, string> = { [ArtifactAnnotation.cosignSignature]: '' };
  if (options.annotate !== false) annotations.predicateType = options.predicateType;
  const layer: Layer = { mediaType: dsse, size: envelope.length, digest: envelopeDigest, annotations };
  return appendCosignLayer(store, cosignTag(digest, 'att'), layer, options.replace === true);
}

/** `cosign attach sbom` (deprecated): the SBOM document as the one layer of `<alg>-<hex>.sbom`. */
export async function attachSbom(target: CosignTarget, repository: string, digest: string, document: Buffer, mediaType: string): Promise<PushedArtifact> {
  const store = storeFor(target, repository);
  const blobDigest = await store.putBlob(document);
  return appendCosignLayer(store, cosignTag(digest, 'sbom'), { mediaType, size: document.length, digest: blobDigest }, true);
}

/** Removes a blob (a payload, to test a signature whose payload is gone). */
export async function deleteBlob(target: CosignTarget, repository: string, digest: string): Promise<void> {
  await storeFor(target, repository).deleteBlob(digest);
}

// ---------------------------------------------------------------------------------------------
// OCI 1.1 referrers

export interface ReferrerArtifact {
  artifactType?: string;
  config?: { mediaType: string; data: Buffer };
  layers: { mediaType: string; data: Buffer; annotations?: Record<string, string> }[];
  annotations?: Record<string, string>;
}

/** The referrers fallback tag of a digest. */
export function referrersTagOf(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex}`;
}

/**
 * Pushes a manifest with `subject` by digest; where the registry keeps no referrers itself, adds
 * it to the `<alg>-<hex>` fallback index (read-modify-write), as ORAS, Notation and cosign do.
 */
export async function pushReferrer(target: CosignTarget, repository: string, subject: Subject, artifact: ReferrerArtifact): Promise<PushedArtifact> {
  const store = storeFor(target, repository);
  const config = artifact.config ?? { mediaType: emptyMediaType, data: emptyJson };
  const configDigest = await store.putBlob(config.data);
  const layers: Layer[] = [];
  for (const layer of artifact.layers) {
    const digest = await store.putBlob(layer.data);
    layers.push({ mediaType: layer.mediaType, digest, size: layer.data.length, ...(layer.annotations ? { annotations: layer.annotations } : {}) });
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    ...(artifact.artifactType ? { artifactType: artifact.artifactType } : {}),
    config: { mediaType: config.mediaType, digest: configDigest, size: config.data.length },
    layers,
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    ...(artifact.annotations ? { annotations: artifact.annotations } : {}),
  };
  const body = json(manifest);
  const digest = digestOf(body);
  await store.putManifest(digest, body, MediaType.ociManifest);
  if (!store.servesReferrers) {
    const tag = referrersTagOf(subject.digest);
    const existing = await store.getManifest(tag);
    const index = existing
      ? (JSON.parse(existing.toString('utf8')) as { manifests: object[] })
      : { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] as object[] };
    index.manifests.push({
      mediaType: MediaType.ociManifest,
      digest,
      size: body.length,
      artifactType: artifact.artifactType ?? config.mediaType,
      ...(artifact.annotations ? { annotations: artifact.annotations } : {}),
    });
    await store.putManifest(tag, json(index), MediaType.ociIndex);
  }
  return { digest, size: body.length, tag: undefined };
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * `notation sign`: a JWS envelope (ES256 over the `targetArtifact` payload) as the one layer of a
 * manifest whose config media type is `application/vnd.cncf.notary.signature`, pushed as a referrer.
 */
export async function pushNotationSignature(target: CosignTarget, repository: string, subject: Subject, privateKey: KeyObject): Promise<PushedArtifact> {
  const notary = 'application/vnd.cncf.notary.signature';
  const payload = base64url(json({ targetArtifact: subject }));
  const protectedHeader = base64url(
    json({
      alg: 'ES256',
      crit: ['io.cncf.notary.signingScheme'],
      cty: 'application/vnd.cncf.notary.payload.v1+json',
      'io.cncf.notary.signingScheme': 'notary.x509',
      'io.cncf.notary.signingTime': '2026-01-01T00:00:00Z',
    }),
  );
  const signature = sign('sha256', Buffer.from(`${protectedHeader}.${payload}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const jws = json({
    payload,
    protected: protectedHeader,
    header: { x5c: [], 'io.cncf.notary.signingAgent': 'shipshape-test' },
    signature: base64url(signature),
  });
  const thumbprint = createHash('sha256')
    .update(privateKey.export({ type: 'pkcs8', format: 'der' }))
    .digest('hex');
  return pushReferrer(target, repository, subject, {
    artifactType: notary,
    config: { mediaType: notary, data: emptyJson },
    layers: [{ mediaType: 'application/jose+json', data: jws }],
    annotations: { 'io.cncf.notary.x509chain.thumbprint#S256': JSON.stringify([thumbprint]), 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  });
}

export interface BundleOptions {
  /** An attestation's predicate type; undefined: an image signature (cosign v3 `sign`). */
  predicateType?: string;
}

/**
 * cosign v3's default storage: a Sigstore bundle (v0.3) as the one layer of a referrer whose
 * annotations name the bundle content and predicate type (`https://sigstore.dev/cosign/sign/v1` for signatures).
 */
export async function pushSigstoreBundle(
  target: CosignTarget,
  repository: string,
  subject: Subject,
  privateKey: KeyObject,
  options: BundleOptions = {},
): Promise<PushedArtifact> {
  const bundleType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
  const predicateType = options.predicateType ?? 'https://sigstore.dev/cosign/sign/v1';
  const statement = inTotoStatement(repository, subject.digest, predicateType, {});
  const envelope = JSON.parse(dsseEnvelope(privateKey, statement).toString('utf8')) as unknown;
  const bundle = json({ mediaType: bundleType, verificationMaterial: { publicKey: { hint: '' } }, dsseEnvelope: envelope });
  const content = options.predicateType === undefined ? 'message-signature' : 'dsse-envelope';
  return pushReferrer(target, repository, subject, {
    artifactType: bundleType,
    layers: [{ mediaType: bundleType, data: bundle }],
    annotations: {
      'dev.sigstore.bundle.content': content,
      'dev.sigstore.bundle.predicateType': predicateType,
      'org.opencontainers.image.created': '2026-01-01T00:00:00Z',
    },
  });
}

/**
 * Makes a FakeRegistry answer `GET /v2/<name>/referrers/<digest>` as an OCI 1.1 registry does:
 * every stored manifest whose `subject` is the digest, `pageSize` per page with `Link` headers.
 * Referrers pushed to it afterwards get no fallback tag.
 */
export function serveReferrers(fake: FakeRegistry, pageSize = 50): void {
  fakesServingReferrers.add(fake);
  const previous = fake.intercept;
  fake.intercept = (req, res) => {
    if (previous?.(req, res)) return true;
    const url = new URL(req.url ?? '/', 'http://x');
    const match = /^\/v2\/(.+?)\/referrers\/([^/]+)$/.exec(url.pathname);
    if (!match) return false;
    const [, repository, subject] = match;
    const entries: object[] = [];
    for (const [key, stored] of fake.manifests) {
      if (!key.startsWith(`${repository}@`)) continue;
      const document = JSON.parse(stored.body.toString('utf8')) as {
        mediaType?: string;
        artifactType?: string;
        config?: { mediaType?: string };
        subject?: { digest?: string };
        annotations?: Record<string, string>;
      };
      if (document.subject?.digest !== subject) continue;
      entries.push({
        mediaType: document.mediaType ?? MediaType.ociManifest,
        digest: digestOf(stored.body),
        size: stored.body.length,
        artifactType: document.artifactType ?? document.config?.mediaType,
        ...(document.annotations ? { annotations: document.annotations } : {}),
      });
    }
    const page = Number(url.searchParams.get('page') ?? '0');
    const headers: Record<string, string> = { 'content-type': MediaType.ociIndex };
    if ((page + 1) * pageSize < entries.length) headers.link = `<${url.pathname}?page=${page + 1}>; rel="next"`;
    const manifests = entries.slice(page * pageSize, (page + 1) * pageSize);
    res.writeHead(200, headers).end(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
    return true;
  };
}

// ---------------------------------------------------------------------------------------------
// BuildKit

export interface BuildkitStatement {
  predicateType: string;
  predicate?: unknown;
}

/**
 * `docker buildx build --provenance --sbom`: an index holding the platform manifest and, per
 * platform, an attestation manifest (platform unknown/unknown, `vnd.docker.reference.*`
 * annotations) whose layers are in-toto statements annotated `in-toto.io/predicate-type`.
 */
export async function pushBuildkitIndex(
  target: CosignTarget,
  repository: string,
  tag: string,
  platformManifest: Subject,
  statements: BuildkitStatement[],
): Promise<{ indexDigest: string; indexSize: number; attestationDigest: string }> {
  const store = storeFor(target, repository);
  const layers: Layer[] = [];
  for (const statement of statements) {
    const data = inTotoStatement(`pkg:docker/${repository}`, platformManifest.digest, statement.predicateType, statement.predicate ?? {});
    const digest = await store.putBlob(data);
    layers.push({ mediaType: inToto, digest, size: data.length, annotations: { 'in-toto.io/predicate-type': statement.predicateType } });
  }
  const config = json({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.digest) } });
  const configDigest = await store.putBlob(config);
  const attestation = json({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.length },
    layers,
  });
  const attestationDigest = await store.putManifest(digestOf(attestation), attestation, MediaType.ociManifest);
  const index = json({
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [
      { ...platformManifest, platform: { architecture: 'amd64', os: 'linux' } },
      {
        mediaType: MediaType.ociManifest,
        digest: attestationDigest,
        size: attestation.length,
        annotations: { 'vnd.docker.reference.digest': platformManifest.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
        platform: { architecture: 'unknown', os: 'unknown' },
      },
    ],
  });
  const indexDigest = await store.putManifest(tag, index, MediaType.ociIndex);
  return { indexDigest, indexSize: index.length, attestationDigest };
}
