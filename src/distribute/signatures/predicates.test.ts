import { describe, expect, it } from 'vitest';
import { attestationKind, isSbomMediaType } from './predicates.js';

describe('attestationKind', () => {
  it.each([
    ['https://slsa.dev/provenance/v0.2', 'provenance'],
    ['https://slsa.dev/provenance/v1', 'provenance'],
    ['https://spdx.dev/Document', 'sbom'],
    ['https://spdx.dev/Document/v2.3', 'sbom'],
    ['https://cyclonedx.org/bom', 'sbom'],
    ['https://cyclonedx.org/bom/v1.5', 'sbom'],
    ['text/spdx+json', 'sbom'],
    ['application/vnd.cyclonedx+json', 'sbom'],
    ['https://cosign.sigstore.dev/attestation/vuln/v1', 'vulnerability-report'],
    ['https://openvex.dev/ns/v0.2.0', 'vulnerability-report'],
    ['https://in-toto.io/attestation/vulns/v0.1', 'vulnerability-report'],
    ['https://cosign.sigstore.dev/attestation/v1', 'other'],
    ['https://example.com/custom', 'other'],
    ['https://slsa.dev/verification_summary/v1', 'other'],
  ] as const)('%s → %s', (predicateType, kind) => {
    expect(attestationKind(predicateType)).toBe(kind);
  });

  it('calls a missing predicate type other', () => {
    expect(attestationKind(undefined)).toBe('other');
  });
});

describe('isSbomMediaType', () => {
  it('accepts SPDX and CycloneDX types with suffixes and parameters, and nothing else', () => {
    for (const type of [
      'text/spdx',
      'text/spdx+json',
      'text/spdx+xml',
      'application/spdx+json',
      'application/vnd.cyclonedx',
      'application/vnd.cyclonedx+xml; version=1.5',
    ]) {
      expect(isSbomMediaType(type), type).toBe(true);
    }
    for (const type of ['application/json', 'application/vnd.in-toto+json', 'text/plain', 'application/vnd.cyclonedx.evil+json+x']) {
      expect(isSbomMediaType(type), type).toBe(false);
    }
  });
});
