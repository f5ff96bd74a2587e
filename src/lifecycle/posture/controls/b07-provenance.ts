import type { PostureControl } from './control.js';
import { evaluateArtefact, firstStep } from './artefacts.js';

/**
 * Provenance generators that sign what they produce (SLSA Build L2): GitHub artifact attestations
 * (the readers name them `github-attestations`) are signed through Sigstore. BuildKit's own
 * provenance is unsigned (L1).
 */
const signingGenerators = /slsa|attest-build-provenance|github-attestations|cosign|witness|tekton-chains|in-toto/i;

/** SS-CTL-B07: build provenance is produced (SLSA Build L1) and signed (L2). */
export const provenanceProduced: PostureControl = {
  meta: {
    id: 'SS-CTL-B07',
    phase: 'build',
    title: 'Build provenance is produced and signed',
    objective: 'Each image carries signed SLSA provenance saying which pipeline built it from which source (SLSA Build L2).',
    evaluation:
      'Per pushing pipeline: a signing provenance generator, or a signed provenance attestation in the registry, is met (L2); unsigned provenance (BuildKit) is partial (L1); none is a gap.',
    references: [
      { framework: 'SLSA', id: 'Build L1', title: 'Provenance exists' },
      { framework: 'SLSA', id: 'Build L2', title: 'Hosted build platform, signed provenance' },
    ],
    weight: 1,
  },
  evaluate(context) {
    return evaluateArtefact(context, {
      purpose: 'provenance',
      noun: 'signed provenance',
      fromStep(pipeline) {
        const step = firstStep(pipeline, 'provenance');
        if (!step) return undefined;
        return { verdict: signingGenerators.test(step.tool) ? 'met' : 'partial', step };
      },
      fromRegistry(image) {
        const provenance = image.attestations.filter((a) => a.kind === 'provenance');
        if (provenance.length === 0) return undefined;
        const signed = provenance.find((a) => a.signed);
        return signed
          ? { verdict: 'met', text: `signed provenance ${signed.predicateType ?? ''} (SLSA Build L2)` }
          : { verdict: 'partial', text: `unsigned provenance ${provenance[0]?.predicateType ?? ''} from ${provenance[0]?.source ?? ''} (SLSA Build L1 only)` };
      },
    });
  },
};
