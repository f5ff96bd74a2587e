import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-042',
  title: 'Multiple HEALTHCHECK instructions',
  severity: 'LOW',
  rationale: 'Only the last HEALTHCHECK takes effect; the earlier one misleads readers about how the container is probed.',
  remediation: 'Keep one HEALTHCHECK per stage.',
  references: ['hadolint DL3012'],
  hadolint: 'DL3012',
};

/** SS-DF-042: more than one HEALTHCHECK in a stage (hadolint DL3012). */
export const multipleHealthcheck: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3\nHEALTHCHECK CMD a\nHEALTHCHECK CMD b\n'],
    good: ['FROM alpine:3 AS a\nHEALTHCHECK CMD a\nFROM alpine:3\nHEALTHCHECK CMD b\n'],
  },
  check(dockerfile) {
    return dockerfile.stages.flatMap((s) =>
      s.instructions
        .filter((i) => i.keyword === 'HEALTHCHECK')
        .slice(1)
        .map((i) => findingAt(meta, dockerfile, i, 'another HEALTHCHECK in the same stage: only the last one takes effect')),
    );
  },
};
