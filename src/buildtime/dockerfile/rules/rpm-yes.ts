import { packageCommands, withFlag } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const prompting = new Set(['install', 'groupinstall', 'localinstall', 'update', 'upgrade', 'remove', 'erase', 'reinstall', 'downgrade']);

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-016',
  title: 'yum/dnf without -y',
  severity: 'LOW',
  rationale: 'Without `-y` yum and dnf ask for confirmation; in a non-interactive build that aborts the step.',
  remediation: 'Use `dnf install -y …` / `yum install -y …`.',
  references: ['hadolint DL3030', 'hadolint DL3038'],
  hadolint: 'DL3030, DL3038',
};

/** SS-DF-016: yum/dnf without `-y` (hadolint DL3030, DL3038). */
export const rpmYes: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM fedora:40\nRUN dnf install httpd-2.4.57\n'],
    good: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.57\n', 'FROM centos:7\nRUN yum --assumeyes install nginx-1.20\n'],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, commands }) =>
      packageCommands(commands, ['yum', 'dnf'])
        .filter((c) => prompting.has(c.subcommand) && !withFlag(c, ['--assumeyes', '--yes'], ['y']))
        .map((c) => findingAt(meta, dockerfile, run, `\`${c.tool} ${c.subcommand}\` without -y`)),
    );
  },
};
