import type { DockerInstruction } from '../model.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

const flagsOf = (i: DockerInstruction): string => JSON.stringify(i.flags);

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-035',
  title: 'Consecutive RUN instructions',
  severity: 'LOW',
  rationale:
    'Each RUN adds a layer; files deleted in a later RUN still ship in the earlier layer, and caches cleaned separately are not removed from the image.',
  remediation: 'Merge related RUN instructions with `&&` (and clean up in the same RUN).',
  references: ['hadolint DL3059'],
  hadolint: 'DL3059',
};

/** SS-DF-035: consecutive RUNs with the same flags, each adding a layer (hadolint DL3059). */
export const consecutiveRun: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3\nRUN mkdir /a\nRUN touch /a/b\n'],
    good: [
      'FROM alpine:3\nRUN mkdir /a && touch /a/b\n',
      'FROM alpine:3\nRUN --mount=type=cache,target=/c mkdir /a\nRUN touch /b\n',
      'FROM alpine:3\nRUN mkdir /a\nWORKDIR /a\nRUN touch b\n',
    ],
  },
  check(dockerfile) {
    return dockerfile.stages.flatMap((stage) =>
      stage.instructions.flatMap((i, index) => {
        const previous = stage.instructions[index - 1];
        return i.keyword === 'RUN' && previous?.keyword === 'RUN' && flagsOf(previous) === flagsOf(i)
          ? [findingAt(meta, dockerfile, i, `RUN directly follows the RUN on line ${previous.range.startLine}`)]
          : [];
      }),
    );
  },
};
