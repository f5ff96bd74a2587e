import { packageCommands } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-012',
  title: '`apt` used instead of `apt-get`',
  severity: 'LOW',
  rationale: '`apt` warns that its interface is unstable in scripts and behaves interactively; builds should use `apt-get`/`apt-cache`.',
  remediation: 'Replace `apt` with `apt-get` (or `apt-cache` for queries).',
  references: ['hadolint DL3027'],
  hadolint: 'DL3027',
};

/** SS-DF-012: `apt` is for humans; its CLI is not stable for scripts (hadolint DL3027). */
export const aptNotAptGet: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM debian:12\nRUN apt install -y curl\n'],
    good: ['FROM debian:12\nRUN apt-get install -y curl\n', 'FROM debian:12\nRUN echo apt\n'],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, commands }) =>
      packageCommands(commands, ['apt'])
        .slice(0, 1)
        .map((c) => findingAt(meta, dockerfile, run, `\`apt ${c.subcommand}\`: use apt-get`)),
    );
  },
};
