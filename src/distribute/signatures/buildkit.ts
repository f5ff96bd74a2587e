import type { Descriptor, ImageIndex } from '../../image/schema.js';
import type { DiscoveryContext } from './context.js';
import { expectManifest, readAttestationLayers } from './cosign-layers.js';
import { ArtifactAnnotation, buildkitAttestationManifest } from './media-types.js';

/** Whether an index entry is a BuildKit attestation manifest (`vnd.docker.reference.type: attestation-manifest`), not a platform image. */
export function isAttestationEntry(entry: Descriptor): boolean {
  return entry.annotations?.[ArtifactAnnotation.dockerReferenceType] === buildkitAttestationManifest;
}

/**
 * BuildKit's in-index attestations (`docker buildx build --provenance/--sbom`): each attestation
 * manifest's layers are in-toto statements annotated `in-toto.io/predicate-type`. They are unsigned.
 */
export async function discoverBuildkitAttestations(ctx: DiscoveryContext, indexDigest: string, index: ImageIndex): Promise<void> {
  for (const entry of index.manifests.filter(isAttestationEntry)) {
    if (!ctx.takeReferrer(indexDigest)) return;
    const what = `BuildKit attestation manifest ${ctx.name(entry.digest)}`;
    const fetched = await ctx.attempt(what, () => ctx.getManifest(entry.digest, entry.size));
    if (fetched === undefined) continue;
    ctx.artifactDigests.add(fetched.digest);
    if (expectManifest(ctx, fetched, what) === undefined) continue;
    await readAttestationLayers(ctx, fetched, 'buildkit-index');
  }
}
