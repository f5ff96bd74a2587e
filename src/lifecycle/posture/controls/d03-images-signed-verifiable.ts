import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { realImages } from '../support/images.js';
import { shellCommand } from '../support/quote.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';

/** SS-CTL-D03: every tagged image in the registries carries a signature that verifies with a trusted key. */
export const imagesSignedVerifiable: PostureControl = {
  meta: {
    id: 'SS-CTL-D03',
    phase: 'distribute',
    title: 'Stored images are signed and the signatures verify',
    objective: "Every tagged image carries a signature that verifies with one of the organisation's keys.",
    evaluation:
      'Per tagged image: a verified signature is met; a signature present but not verified (no keys given) is partial; a signature that fails verification, or none, is a gap.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.1.5', title: 'Use of untrusted images' },
      { framework: 'CIS Docker Benchmark', id: '4.12', title: 'Ensure all signed artifacts are validated' },
    ],
    weight: 2,
  },
  signatures: true,
  evaluate(context) {
    const { registries } = context.evidence;
    if (registries.length === 0) return unknown('no registry was scanned');
    const key = context.policy.trustedKeys[0] ?? 'cosign.pub';
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const report of registries) {
      for (const repository of report.repositories) {
        for (const image of realImages(repository).filter((i) => i.tags.length > 0)) {
          const ref = `${report.registry}/${repository.name}@${image.digest}`;
          const label = `${report.registry}/${repository.name}:${image.tags.join(', ')}`;
          const nodes = onMap(context.map, [nodeId.image(report.registry, repository.name)]);
          const verified = image.signatures.find((s) => s.verified === true);
          const failed = image.signatures.find((s) => s.verified === false);
          if (verified) {
            checks.push(check('met', `${label}: ${verified.format} signature verifies`, ref, nodes));
          } else if (image.signatures.length === 0) {
            checks.push(check('gap', `${label} is not signed`, ref, nodes));
            changes.push(
              change(`sign ${label} (better: sign in the pipeline that pushes it, see SS-CTL-B06)`, {
                file: undefined,
                line: undefined,
                snippet: shellCommand(['cosign', 'sign', '--yes', '--key', 'cosign.key', ref]),
                nodes,
              }),
            );
          } else if (failed) {
            checks.push(check('gap', `${label}: the ${failed.format} signature does not verify (${failed.verifyError ?? 'no reason given'})`, ref, nodes));
            changes.push(
              change(`find out who signed ${label} with another key, then re-sign it with the organisation's key`, {
                file: undefined,
                line: undefined,
                snippet: shellCommand(['cosign', 'verify', '--key', key, ref]),
                nodes,
              }),
            );
          } else {
            const why =
              context.policy.trustedKeys.length > 0
                ? 'the registry scan did not verify it against the trusted keys'
                : 'no trusted keys were given to verify it';
            checks.push(check('partial', `${label}: signed (${image.signatures.map((s) => s.format).join(', ')}) but ${why}`, ref, nodes));
            changes.push(
              change(`verify the signature of ${label} (rescan the registry with the key, or run:)`, {
                file: undefined,
                line: undefined,
                snippet: shellCommand(['cosign', 'verify', '--key', key, ref]),
                nodes,
              }),
            );
          }
        }
      }
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'tagged images', met: 'carry a verified signature', notMet: 'are unsigned or unverified' },
      'the registries scanned hold no tagged images',
    );
  },
};
