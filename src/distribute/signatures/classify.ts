import type { FetchedManifest } from '../../image/registry/client.js';
import type { Descriptor, ImageManifest } from '../../image/schema.js';
import type { ReferrerSource } from '../model.js';
import type { DiscoveryContext } from './context.js';
import { readAttestationLayers, readSbomLayers, readSignatureLayers } from './cosign-layers.js';
import { ArtifactAnnotation, ArtifactMediaType, cosignSignPredicateType } from './media-types.js';
import { attestationKind, isSbomMediaType } from './predicates.js';

/** What a referrer is, from its artifactType (the manifest's, else the index entry's, else its config media type) and layers. */
type ReferrerClass = 'notation' | 'sigstore-bundle' | 'cosign-signatures' | 'attestations' | 'cosign-sboms' | 'sbom-document' | 'unknown';

function artifactTypeOf(manifest: ImageManifest, entry: Descriptor | undefined): string {
  return manifest.artifactType ?? entry?.artifactType ?? manifest.config.mediaType;
}

function classifyReferrer(manifest: ImageManifest, entry: Descriptor | undefined): ReferrerClass {
  const artifactType = artifactTypeOf(manifest, entry);
  const layerTypes = manifest.layers.map((layer) => layer.mediaType);
  if (artifactType === ArtifactMediaType.notarySignature || manifest.config.mediaType === ArtifactMediaType.notarySignature) return 'notation';
  if (artifactType.startsWith(ArtifactMediaType.sigstoreBundlePrefix) || layerTypes.some((type) => type.startsWith(ArtifactMediaType.sigstoreBundlePrefix))) {
    return 'sigstore-bundle';
  }
  if (artifactType === ArtifactMediaType.cosignArtifactSig) return 'cosign-signatures';
  if (artifactType === ArtifactMediaType.cosignArtifactAtt || artifactType === ArtifactMediaType.inToto) return 'attestations';
  if (artifactType === ArtifactMediaType.cosignArtifactSbom) return 'cosign-sboms';
  if (isSbomMediaType(artifactType)) return 'sbom-document';
  // A referrer without a telling artifactType whose layers are all cosign payloads or envelopes.
  if (layerTypes.length > 0 && layerTypes.every((type) => type === ArtifactMediaType.cosignSimpleSigning)) return 'cosign-signatures';
  if (layerTypes.length > 0 && layerTypes.every((type) => type === ArtifactMediaType.dsseEnvelope || type === ArtifactMediaType.inToto)) {
    return 'attestations';
  }
  return 'unknown';
}

/** A Sigstore bundle's predicate type: manifest annotations, the index entry's copy, or the bundle layer's. */
function bundlePredicateType(manifest: ImageManifest, entry: Descriptor | undefined): { predicateType: string | undefined; content: string | undefined } {
  const sources = [manifest.annotations, entry?.annotations, ...manifest.layers.map((layer) => layer.annotations)];
  const find = (key: string): string | undefined => sources.map((annotations) => annotations?.[key]).find((value) => value !== undefined && value !== '');
  return { predicateType: find(ArtifactAnnotation.bundlePredicateType), content: find(ArtifactAnnotation.bundleContent) };
}

function notVerifiedNote(ctx: DiscoveryContext, what: string): void {
  if (ctx.keys.length > 0) ctx.diagnostics.push(`${what} was not verified: only key-based cosign signatures are verified`);
}

/** Turns one referrer of `subject` into signature/attestation evidence. */
export async function readReferrer(
  ctx: DiscoveryContext,
  fetched: FetchedManifest,
  manifest: ImageManifest,
  entry: Descriptor | undefined,
  subject: string,
  source: ReferrerSource,
): Promise<void> {
  const kind = classifyReferrer(manifest, entry);
  const unverified = { source, manifestDigest: fetched.digest, verified: undefined, verifyError: undefined };
  switch (kind) {
    case 'notation':
      ctx.signatures.push({ format: 'notation', ...unverified });
      notVerifiedNote(ctx, `Notation signature ${ctx.name(fetched.digest)}`);
      return;
    case 'sigstore-bundle': {
      const { predicateType, content } = bundlePredicateType(manifest, entry);
      // cosign v3 stores image signatures as bundles too, with its own "sign" predicate.
      if (predicateType === undefined || predicateType === cosignSignPredicateType || content === 'message-signature') {
        ctx.signatures.push({ format: 'cosign-bundle', ...unverified });
        notVerifiedNote(ctx, `Sigstore bundle signature ${ctx.name(fetched.digest)}`);
      } else {
        ctx.attestations.push({ kind: attestationKind(predicateType), predicateType, source, manifestDigest: fetched.digest, signed: true });
      }
      return;
    }
    case 'cosign-signatures':
      return readSignatureLayers(ctx, fetched, subject, source);
    case 'attestations':
      return readAttestationLayers(ctx, fetched, source);
    case 'cosign-sboms':
      return readSbomLayers(ctx, fetched, source);
    case 'sbom-document': {
      const predicateType = artifactTypeOf(manifest, entry);
      ctx.attestations.push({ kind: 'sbom', predicateType, source, manifestDigest: fetched.digest, signed: false });
      return;
    }
    case 'unknown':
      return; // another kind of artifact (a Helm chart, a scan report): not evidence, still not an image
  }
}
