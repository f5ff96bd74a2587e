import { parseDigest } from '../../image/digest.js';

/** The suffixes of cosign's legacy tags: signatures, attestations, attached SBOMs. */
export type CosignSuffix = 'sig' | 'att' | 'sbom';

export const cosignSuffixes: readonly CosignSuffix[] = ['sig', 'att', 'sbom'];

/** `sha256:<hex>` → `sha256-<hex>.sig` (cosign's tag-based discovery). */
export function cosignTag(digest: string, suffix: CosignSuffix): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex}.${suffix}`;
}

/**
 * The OCI referrers fallback tag of a digest: `<alg>-<hex>`, the algorithm cut to 32 characters and
 * the encoded part to 64 (distribution-spec "Referrers Tag Schema").
 */
export function referrersTag(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm.slice(0, 32)}-${hex.slice(0, 64)}`;
}

const artifactTagPattern = /^(?:sha256-[0-9a-f]{64}(?:\.(?:sig|att|sbom))?|sha512-[0-9a-f]{128}\.(?:sig|att|sbom)|sha512-[0-9a-f]{64})$/;

/** Whether a tag names signatures/attestations (cosign `.sig/.att/.sbom`) or a referrers fallback index, not an image. */
export function isArtifactTag(tag: string): boolean {
  return artifactTagPattern.test(tag);
}
