import type { DiscoveryContext } from './context.js';
import { expectManifest, readAttestationLayers, readSbomLayers, readSignatureLayers } from './cosign-layers.js';
import { cosignSuffixes, cosignTag } from './tags.js';

const kindOfSuffix = { sig: 'signature', att: 'attestation', sbom: 'SBOM attachment' } as const;

/**
 * cosign's tag-based storage for `subject`: `sha256-<hex>.sig`, `.att`, `.sbom`, read only when the
 * repository's tag list has them (no probing requests).
 */
export async function discoverCosignTags(ctx: DiscoveryContext, subject: string): Promise<void> {
  for (const suffix of cosignSuffixes) {
    const tag = cosignTag(subject, suffix);
    if (!ctx.tags.has(tag)) continue;
    const what = `cosign ${kindOfSuffix[suffix]} ${ctx.name(tag)}`;
    const fetched = await ctx.attempt(what, () => ctx.getManifest(tag));
    if (fetched === undefined) continue;
    ctx.artifactDigests.add(fetched.digest);
    if (expectManifest(ctx, fetched, what) === undefined) continue;
    if (suffix === 'sig') await readSignatureLayers(ctx, fetched, subject, 'cosign-tag');
    else if (suffix === 'att') await readAttestationLayers(ctx, fetched, 'cosign-tag');
    else readSbomLayers(ctx, fetched, 'cosign-tag');
  }
}
