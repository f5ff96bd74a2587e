import type { RegistryRule } from './rule.js';
import { imageName, imageTarget, nist, storedImages } from './rule.js';

const slsa = 'SLSA v1.1 Build track (provenance)';

export const unsigned: RegistryRule = {
  meta: {
    id: 'SS-REG-006',
    title: 'Image not signed',
    severity: 'MEDIUM',
    rationale: 'Without a signature, nothing proves the image is the one the pipeline built; a pushed or swapped image is indistinguishable.',
    remediation: 'Sign images in the pipeline after the push (`cosign sign --key … <image>@<digest>` or Notation) and verify signatures at admission.',
    references: [nist('4.1.5', 'Use of untrusted images'), 'CIS Docker Benchmark 4.5, 4.12'],
  },
  check: ({ report }) =>
    [...storedImages(report)]
      .filter(({ image }) => image.signatures.length === 0)
      .map(({ repository, image }) => ({
        message: `${imageName(repository, image)} has no signature (cosign tag, referrers or Notation)`,
        target: imageTarget(repository, image),
      })),
};

export const badSignature: RegistryRule = {
  meta: {
    id: 'SS-REG-007',
    title: 'Signature does not verify',
    severity: 'CRITICAL',
    rationale: 'A signature that fails verification with the trusted key means the image or its signature was tampered with, or signed by someone else.',
    remediation: 'Do not deploy the image; find out who pushed it, re-build and re-sign from the trusted pipeline.',
    references: [nist('4.1.5', 'Use of untrusted images'), 'CIS Docker Benchmark 4.12'],
  },
  check: ({ report, keysGiven }) => {
    if (!keysGiven) return [];
    return [...storedImages(report)].flatMap(({ repository, image }) => {
      const cosign = image.signatures.filter((s) => s.verified !== undefined);
      if (cosign.length === 0 || cosign.some((s) => s.verified === true)) return [];
      const why = [...new Set(cosign.map((s) => s.verifyError ?? 'no reason given'))].join('; ');
      return [{ message: `no signature of ${imageName(repository, image)} verifies with the given key: ${why}`, target: imageTarget(repository, image) }];
    });
  },
};

export const noProvenance: RegistryRule = {
  meta: {
    id: 'SS-REG-008',
    title: 'No provenance attestation',
    severity: 'LOW',
    rationale: 'Provenance records which build platform built the image from which source; without it, the origin cannot be checked (SLSA Build L1 needs it).',
    remediation:
      'Produce provenance in the build (`docker buildx build --provenance=mode=max`, `actions/attest-build-provenance`, `cosign attest --type slsaprovenance`).',
    references: [slsa, nist('4.1.5', 'Use of untrusted images')],
  },
  check: ({ report }) =>
    [...storedImages(report)]
      .filter(({ image }) => image.tags.length > 0 && !image.attestations.some((a) => a.kind === 'provenance'))
      .map(({ repository, image }) => ({ message: `${imageName(repository, image)} has no provenance attestation`, target: imageTarget(repository, image) })),
};

export const noSbom: RegistryRule = {
  meta: {
    id: 'SS-REG-009',
    title: 'No SBOM stored with the image',
    severity: 'LOW',
    rationale: 'An SBOM attached to the image lets anyone answer "are we affected?" for a new vulnerability without re-scanning.',
    remediation: 'Attach an SBOM attestation in the build (`docker buildx build --sbom=true`, `cosign attest --type spdxjson`, `shipshape sbom -f cyclonedx`).',
    references: [nist('4.1.1', 'Image vulnerabilities'), 'NTIA minimum elements for an SBOM'],
  },
  check: ({ report }) =>
    [...storedImages(report)]
      .filter(({ image }) => image.tags.length > 0 && !image.attestations.some((a) => a.kind === 'sbom'))
      .map(({ repository, image }) => ({
        message: `${imageName(repository, image)} has no SBOM attestation or attachment`,
        target: imageTarget(repository, image),
      })),
};
