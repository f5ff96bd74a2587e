import type { KeyObject } from 'node:crypto';
import { imageManifestMediaTypes } from '../../image/media-types.js';
import type { FetchedManifest, RegistryClient } from '../../image/registry/client.js';
import type { AttestationEvidence, SignatureEvidence } from '../model.js';
import { discoverBuildkitAttestations, isAttestationEntry } from './buildkit.js';
import { DiscoveryContext, discoveryLimits } from './context.js';
import { discoverCosignTags } from './cosign-tags.js';
import { discoverOciReferrers } from './referrers.js';
import { pushAll } from '../../core/collections.js';

export interface ReferrerDiscoveryOptions {
  /** Every tag of the repository (the scan has listed them): used to find cosign `sha256-<hex>.sig/.att/.sbom` tags and the referrers fallback tag without extra requests. */
  tags: ReadonlySet<string>;
  /** cosign public keys (PEM, ECDSA P-256/P-384 or RSA) given with `--key`; when non-empty, cosign signatures are verified. */
  keys: readonly KeyObject[];
  diagnostics: string[];
  signal?: AbortSignal | undefined;
}

export interface ReferrerDiscovery {
  signatures: SignatureEvidence[];
  attestations: AttestationEvidence[];
  /** Digests of manifests that are signatures/attestations/SBOMs (so the scan does not list them as untagged images). */
  artifactDigests: string[];
}

/**
 * Finds the signatures and attestations of one stored image, everywhere they may be kept: cosign's
 * `.sig/.att/.sbom` tags, OCI 1.1 referrers (API, else the fallback tag) — of the image and, for an
 * index, of each platform manifest — and BuildKit attestation manifests inside an index. With
 * keys, cosign signatures are verified. Unreadable or malformed artifacts become diagnostics.
 *
 * `image` is the fetched manifest or index (for an index: BuildKit attestation-manifest entries, and referrers of each platform manifest too).
 */
export async function discoverReferrers(
  client: RegistryClient,
  repository: string,
  image: FetchedManifest,
  options: ReferrerDiscoveryOptions,
): Promise<ReferrerDiscovery> {
  const ctx = new DiscoveryContext(client, repository, options.tags, options.keys, options.diagnostics, options.signal);
  const subjects = [image.digest];
  if (image.document.kind === 'index') {
    const platforms = image.document.index.manifests.filter((entry) => !isAttestationEntry(entry) && imageManifestMediaTypes.includes(entry.mediaType));
    if (platforms.length > discoveryLimits.maxPlatforms) {
      ctx.diagnostics.push(
        `${ctx.name(image.digest)}: ${platforms.length} platform manifests; signatures of only the first ${discoveryLimits.maxPlatforms} were looked for`,
      );
    }
    pushAll(subjects, new Set(platforms.slice(0, discoveryLimits.maxPlatforms).map((entry) => entry.digest)));
  }
  for (const subject of subjects) {
    await discoverCosignTags(ctx, subject);
    await discoverOciReferrers(ctx, subject);
  }
  if (image.document.kind === 'index') await discoverBuildkitAttestations(ctx, image.digest, image.document.index);
  ctx.artifactDigests.delete(image.digest); // never hide the image itself, whatever a hostile index says
  return { signatures: ctx.signatures, attestations: ctx.attestations, artifactDigests: [...ctx.artifactDigests] };
}
