import { packageCommands, withFlag } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const prompting = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'remove', 'purge', 'autoremove']);

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-009',
  title: 'apt-get without -y',
  severity: 'LOW',
  rationale: 'Without `-y` apt-get asks for confirmation; in a non-interactive build that aborts the step.',
  remediation: 'Use `apt-get install -y …` (or `-qq`, or `--yes`).',
  references: ['hadolint DL3014'],
  hadolint: 'DL3014',
};

/** SS-DF-009: apt-get without `-y` prompts, and the build fails or hangs (hadolint DL3014). */
export const aptYes: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM debian:12\nRUN apt-get install --no-install-recommends curl=7.88\n'],
    good: [
      'FROM debian:12\nRUN apt-get install -y curl=7.88\n',
      'FROM debian:12\nRUN apt-get -qq install curl=7.88\n',
      'FROM debian:12\nRUN apt-get --assume-yes install curl=7.88\n',
    ],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, commands }) =>
      packageCommands(commands, ['apt-get', 'apt'])
        .filter((c) => prompting.has(c.subcommand))
        .filter(
          (c) =>
            !withFlag(c, ['--yes', '--assume-yes', '--force-yes'], ['y']) && !c.words.some((w) => /^-[a-z]*q[a-z]*q/.test(w) || /Assume-Yes=(true|1)/i.test(w)),
        )
        .map((c) => findingAt(meta, dockerfile, run, `\`${c.tool} ${c.subcommand}\` without -y`)),
    );
  },
};
