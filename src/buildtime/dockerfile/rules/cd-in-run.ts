import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { programOf } from '../shell.js';
import { runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-034',
  title: 'cd used instead of WORKDIR',
  severity: 'LOW',
  rationale: 'A `cd` lasts only for its RUN; WORKDIR makes the working directory explicit and visible to later instructions and readers.',
  remediation: 'Use `WORKDIR /path` before the RUN (or pass the directory to the tool, e.g. `make -C`).',
  references: ['hadolint DL3003'],
  hadolint: 'DL3003',
};

/** SS-DF-034: `cd` in RUN instead of WORKDIR (hadolint DL3003). */
export const cdInRun: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3\nRUN cd /src && make\n'],
    good: ['FROM alpine:3\nWORKDIR /src\nRUN make\n'],
  },
  check(dockerfile) {
    return runCommands(dockerfile)
      .filter(({ commands }) => commands.some((c) => programOf(c) === 'cd'))
      .map(({ run }) => findingAt(meta, dockerfile, run, 'RUN changes directory with cd'));
  },
};
