import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-026',
  title: 'Multiple CMD or ENTRYPOINT in a stage',
  severity: 'LOW',
  rationale: 'Only the last CMD and the last ENTRYPOINT take effect; earlier ones are dead code that misleads readers about what the container runs.',
  remediation: 'Keep a single CMD and a single ENTRYPOINT per stage.',
  references: ['hadolint DL4003', 'hadolint DL4004'],
  hadolint: 'DL4003, DL4004',
};

/** SS-DF-026: only the last CMD / ENTRYPOINT of a stage counts (hadolint DL4003, DL4004). */
export const multipleCmdEntrypoint: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3\nCMD ["a"]\nCMD ["b"]\n', 'FROM alpine:3\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n'],
    good: ['FROM alpine:3\nENTRYPOINT ["a"]\nCMD ["b"]\n', 'FROM alpine:3 AS one\nCMD ["a"]\nFROM alpine:3\nCMD ["b"]\n'],
  },
  check(dockerfile) {
    return dockerfile.stages.flatMap((stage) =>
      ['CMD', 'ENTRYPOINT'].flatMap((keyword) => {
        const all = stage.instructions.filter((i) => i.keyword === keyword);
        return all.slice(1).map((i) => findingAt(meta, dockerfile, i, `${keyword} number ${all.indexOf(i) + 1} in the stage: only the last one takes effect`));
      }),
    );
  },
};
