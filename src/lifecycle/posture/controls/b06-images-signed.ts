import type { PostureControl } from './control.js';
import { evaluateArtefact, firstStep } from './artefacts.js';

/** SS-CTL-B06: every pushed image is signed (a pipeline sign step and/or signatures in the registry). */
export const imagesSigned: PostureControl = {
  meta: {
    id: 'SS-CTL-B06',
    phase: 'build',
    title: 'Images are signed when they are built',
    objective:
      'The pipeline signs each image it pushes (cosign, Notation), so registries and clusters can tell it from anything else pushed under the same name.',
    evaluation:
      'Per pushing pipeline: a sign step, or a signature on the pushed image in the registry, is met; none is a gap. Without pipelines, each tagged image in the registries is judged by its signatures.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.1.5', title: 'Use of untrusted images' },
      { framework: 'CIS Docker Benchmark', id: '4.5', title: 'Ensure Content trust for Docker is Enabled' },
    ],
    weight: 2,
  },
  signatures: true,
  evaluate(context) {
    return evaluateArtefact(context, {
      purpose: 'sign',
      noun: 'a signature',
      fromStep(pipeline) {
        const step = firstStep(pipeline, 'sign');
        return step ? { verdict: 'met', step } : undefined;
      },
      fromRegistry(image) {
        if (image.signatures.length === 0) return undefined;
        const formats = [...new Set(image.signatures.map((s) => `${s.format} (${s.source})`))];
        return { verdict: 'met', text: `signed: ${formats.join(', ')}` };
      },
    });
  },
};
