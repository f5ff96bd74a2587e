import type { FetchedManifest } from '../../image/registry/client.js';
import type { Descriptor, ImageManifest } from '../../image/schema.js';
import type { ReferrerSource, SignatureEvidence } from '../model.js';
import type { DiscoveryContext } from './context.js';
import { discoveryLimits } from './context.js';
import { ArtifactAnnotation, ArtifactMediaType } from './media-types.js';
import { attestationKind } from './predicates.js';
import { layerPredicateType } from './statements.js';
import { verifySimpleSigning, type VerifyOutcome } from './verify.js';

/**
 * Readers of cosign's legacy storage: a manifest whose layers are signatures (`.sig`), DSSE
 * attestations (`.att`) or attached SBOMs (`.sbom`), found by tag or as referrers.
 */

/** The layers of a signature/attestation manifest, bounded (one diagnostic when cut). */
function boundedLayers(ctx: DiscoveryContext, manifest: FetchedManifest): Descriptor[] {
  if (manifest.document.kind !== 'manifest') return [];
  const { layers } = manifest.document.manifest;
  if (layers.length > discoveryLimits.maxLayers) {
    ctx.diagnostics.push(`${ctx.name(manifest.digest)}: ${layers.length} layers; only the first ${discoveryLimits.maxLayers} were read`);
  }
  return layers.slice(0, discoveryLimits.maxLayers);
}

/** The image manifest inside, or a diagnostic: a signature tag that holds an index is not cosign's. */
export function expectManifest(ctx: DiscoveryContext, fetched: FetchedManifest, what: string): ImageManifest | undefined {
  if (fetched.document.kind === 'manifest') return fetched.document.manifest;
  ctx.diagnostics.push(`${what} (${ctx.name(fetched.digest)}) is an image index, not a manifest; ignored`);
  return undefined;
}

/** Each layer is one signature; with keys, each is verified against `subject` (the signed image's digest). */
export async function readSignatureLayers(ctx: DiscoveryContext, manifest: FetchedManifest, subject: string, source: ReferrerSource): Promise<void> {
  for (const [i, layer] of boundedLayers(ctx, manifest).entries()) {
    const what = `cosign signature ${i + 1} in ${ctx.name(manifest.digest)} (for ${subject})`;
    if (layer.mediaType !== ArtifactMediaType.cosignSimpleSigning) {
      ctx.diagnostics.push(`${what}: layer media type ${layer.mediaType} is not a Simple Signing payload; ignored`);
      continue;
    }
    const outcome = ctx.keys.length === 0 ? undefined : await verifyLayer(ctx, layer, subject, what);
    const evidence: SignatureEvidence = {
      format: 'cosign',
      source,
      manifestDigest: manifest.digest,
      verified: outcome?.verified,
      verifyError: outcome?.verifyError,
    };
    ctx.signatures.push(evidence);
  }
}

async function verifyLayer(ctx: DiscoveryContext, layer: Descriptor, subject: string, what: string): Promise<VerifyOutcome> {
  const payload = await ctx.attempt(`${what}: payload blob ${layer.digest}`, () => ctx.getPayload(layer));
  if (payload === undefined) return { verified: false, verifyError: `the signed payload (blob ${layer.digest}) could not be read` };
  return verifySimpleSigning(payload, layer.annotations?.[ArtifactAnnotation.cosignSignature], ctx.keys, subject);
}

/**
 * Each layer is one attestation: a DSSE envelope (signed) or, in BuildKit's and Docker's style, a
 * bare in-toto statement (unsigned). The predicate type comes from the annotation, else the statement.
 */
export async function readAttestationLayers(ctx: DiscoveryContext, manifest: FetchedManifest, source: ReferrerSource): Promise<void> {
  for (const [i, layer] of boundedLayers(ctx, manifest).entries()) {
    const what = `attestation ${i + 1} in ${ctx.name(manifest.digest)}`;
    const predicateType = await layerPredicateType(ctx, layer, what);
    ctx.attestations.push({
      kind: attestationKind(predicateType),
      predicateType,
      source,
      manifestDigest: manifest.digest,
      signed: layer.mediaType === ArtifactMediaType.dsseEnvelope,
    });
  }
}

/** `cosign attach sbom` (deprecated): each layer is an SBOM document, typed by its media type, unsigned. */
export function readSbomLayers(ctx: DiscoveryContext, manifest: FetchedManifest, source: ReferrerSource): void {
  for (const layer of boundedLayers(ctx, manifest)) {
    ctx.attestations.push({ kind: 'sbom', predicateType: layer.mediaType, source, manifestDigest: manifest.digest, signed: false });
  }
}
