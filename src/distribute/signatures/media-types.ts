/**
 * Media types and annotation keys of signatures and attestations stored in registries: cosign
 * (legacy tags and OCI 1.1 referrers), Sigstore bundles, Notation, BuildKit, in-toto.
 */
export const ArtifactMediaType = {
  /** A cosign signature layer: the Simple Signing payload. */
  cosignSimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  /** A cosign attestation layer: a DSSE envelope around an in-toto statement. */
  dsseEnvelope: 'application/vnd.dsse.envelope.v1+json',
  /** An in-toto statement (BuildKit layers), and the artifactType of legacy-format cosign attestations as referrers. */
  inToto: 'application/vnd.in-toto+json',
  /** Sigstore bundles (`…bundle.v0.3+json` and later), cosign v3's default storage. */
  sigstoreBundlePrefix: 'application/vnd.dev.sigstore.bundle',
  sigstoreBundleV03: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  /** Notation: the config media type, and so the artifactType, of a Notary Project signature. */
  notarySignature: 'application/vnd.cncf.notary.signature',
  notaryJws: 'application/jose+json',
  notaryCose: 'application/cose',
  /** cosign's legacy signatures, attestations and SBOMs pushed as referrers (`--registry-referrers-mode=oci-1-1`). */
  cosignArtifactSig: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  cosignArtifactAtt: 'application/vnd.dev.cosign.artifact.att.v1+json',
  cosignArtifactSbom: 'application/vnd.dev.cosign.artifact.sbom.v1+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
} as const;

export const ArtifactAnnotation = {
  /** Base64 signature over the layer's payload (empty on attestation layers: the envelope is signed). */
  cosignSignature: 'dev.cosignproject.cosign/signature',
  cosignCertificate: 'dev.sigstore.cosign/certificate',
  cosignChain: 'dev.sigstore.cosign/chain',
  cosignBundle: 'dev.sigstore.cosign/bundle',
  /** On cosign `.att` layers. */
  cosignPredicateType: 'predicateType',
  /** On Sigstore bundle referrers (manifest annotations, copied into the referrers index). */
  bundlePredicateType: 'dev.sigstore.bundle.predicateType',
  bundleContent: 'dev.sigstore.bundle.content',
  /** On BuildKit attestation layers. */
  inTotoPredicateType: 'in-toto.io/predicate-type',
  dockerReferenceType: 'vnd.docker.reference.type',
  dockerReferenceDigest: 'vnd.docker.reference.digest',
  notaryThumbprint: 'io.cncf.notary.x509chain.thumbprint#S256',
} as const;

/** `vnd.docker.reference.type` of a BuildKit attestation manifest inside an image index. */
export const buildkitAttestationManifest = 'attestation-manifest';

/** `critical.type` of a cosign Simple Signing payload. */
export const cosignSignatureType = 'cosign container image signature';

/** The predicate cosign v3 gives an image *signature* stored as a Sigstore bundle (not an attestation). */
export const cosignSignPredicateType = 'https://sigstore.dev/cosign/sign/v1';
