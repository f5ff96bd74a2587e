import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-033',
  title: 'COPY --from references its own stage',
  severity: 'MEDIUM',
  rationale: 'A stage cannot copy from itself; the build fails or, with an image of that name, copies from an unrelated image.',
  remediation: 'Copy from an earlier stage, or copy the files within the stage with RUN cp.',
  references: ['hadolint DL3023'],
  hadolint: 'DL3023',
};

/** SS-DF-033: `COPY --from` its own stage (hadolint DL3023). */
export const copyFromSelf: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3 AS app\nCOPY --from=app /a /b\n'],
    good: ['FROM alpine:3 AS base\nFROM alpine:3 AS app\nCOPY --from=base /a /b\n'],
  },
  check(dockerfile) {
    return dockerfile.stages.flatMap((stage) =>
      stage.instructions
        .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
        .filter((i) => {
          const from = i.flags.find((f) => f.name === 'from')?.value?.toLowerCase();
          return from !== undefined && (from === stage.name || from === String(stage.index));
        })
        .map((i) => findingAt(meta, dockerfile, i, `${i.keyword} --from references its own stage`)),
    );
  },
};
