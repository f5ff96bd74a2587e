import type { PostureControl } from './control.js';
import { evaluateArtefact, firstStep } from './artefacts.js';

/** SS-CTL-B05: an SBOM is produced for every pushed image (pipeline step or SBOM attestation). */
export const sbomGenerated: PostureControl = {
  meta: {
    id: 'SS-CTL-B05',
    phase: 'build',
    title: 'An SBOM is generated for every image',
    objective:
      'Each image pushed has a software bill of materials, ideally attached to it as an attestation, so its contents can be checked when the next advisory lands.',
    evaluation:
      'Per pushing pipeline: an SBOM step, or an SBOM attestation on the pushed image in the registry, is met; none is a gap. Without pipelines, each tagged image in the registries is judged by its attestations.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.1.1', title: 'Image vulnerabilities' },
      { framework: 'SLSA', id: 'Build L1', title: 'Provenance exists (SBOM as a companion artefact)' },
    ],
    weight: 1,
  },
  evaluate(context) {
    return evaluateArtefact(context, {
      purpose: 'sbom',
      noun: 'an SBOM',
      fromStep(pipeline) {
        const step = firstStep(pipeline, 'sbom');
        return step ? { verdict: 'met', step } : undefined;
      },
      fromRegistry(image) {
        const sboms = image.attestations.filter((a) => a.kind === 'sbom');
        if (sboms.length === 0) return undefined;
        return { verdict: 'met', text: `SBOM attestation ${sboms[0]?.predicateType ?? ''} (${sboms[0]?.source ?? ''})` };
      },
    });
  },
};
