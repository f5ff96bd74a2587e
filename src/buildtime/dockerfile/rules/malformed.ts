import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-038',
  title: 'Malformed Dockerfile',
  severity: 'MEDIUM',
  rationale: 'A Dockerfile that does not parse or is out of order does not build; other rules may miss problems in it.',
  remediation: 'Fix the instruction: every Dockerfile starts with FROM (ARG may precede it), and uses known instructions only.',
  references: ['hadolint DL1000', 'hadolint DL3061'],
  hadolint: 'DL1000, DL3061',
};

/** SS-DF-038: the Dockerfile's structure is broken (hadolint DL1000 parse errors, DL3061 order). */
export const malformed: DockerfileRule = {
  meta,
  examples: {
    bad: ['RUN echo hi\nFROM alpine:3\n', 'FROM alpine:3\nRUNN echo hi\n', 'FROM\n', '# just a comment\n'],
    good: ['ARG V=3\nFROM alpine:${V}\nRUN echo hi\n'],
  },
  check(dockerfile) {
    return dockerfile.problems.map((p) => findingAt(meta, dockerfile, p.range, p.message));
  },
};
