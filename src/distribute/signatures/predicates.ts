import type { AttestationKind } from '../model.js';

/** SLSA provenance, any version (`https://slsa.dev/provenance/v0.1`, `/v0.2`, `/v1`). */
const provenancePrefixes = ['https://slsa.dev/provenance/'];

/** SBOM predicates (`https://spdx.dev/Document`, `…/Document/v2.3`, `https://cyclonedx.org/bom`, `…/bom/v1.5`). */
const sbomPredicatePrefixes = ['https://spdx.dev/Document', 'https://cyclonedx.org/bom'];

/** Vulnerability scans and VEX statements. */
const vulnerabilityPrefixes = ['https://cosign.sigstore.dev/attestation/vuln/', 'https://in-toto.io/attestation/vulns', 'https://openvex.dev/ns'];

/** What an attestation's predicate type (or an SBOM attachment's media type) says it is. */
export function attestationKind(predicateType: string | undefined): AttestationKind {
  if (predicateType === undefined) return 'other';
  if (provenancePrefixes.some((prefix) => predicateType.startsWith(prefix))) return 'provenance';
  if (sbomPredicatePrefixes.some((prefix) => predicateType.startsWith(prefix)) || isSbomMediaType(predicateType)) return 'sbom';
  if (vulnerabilityPrefixes.some((prefix) => predicateType.startsWith(prefix))) return 'vulnerability-report';
  return 'other';
}

/**
 * SPDX and CycloneDX media types, with their format suffixes and parameters: `text/spdx`,
 * `text/spdx+json`, `application/spdx+json`, `application/vnd.cyclonedx+xml; version=1.5`.
 */
export function isSbomMediaType(mediaType: string): boolean {
  const base = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return /^(text\/spdx|application\/spdx|application\/vnd\.cyclonedx)(\+[a-z]+)?$/.test(base);
}
