import { packageCommands, withFlag } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-007',
  title: 'apt-get install without --no-install-recommends',
  severity: 'LOW',
  rationale: 'Recommended packages are pulled in by default: more software in the image means more vulnerabilities and a larger attack surface.',
  remediation: 'Add `--no-install-recommends` to `apt-get install`, and install what is really needed explicitly.',
  references: ['hadolint DL3015', 'CIS Docker Benchmark 4.3'],
  hadolint: 'DL3015',
  cis: '4.3',
};

/** SS-DF-007: `apt-get install` without `--no-install-recommends` (hadolint DL3015, CIS 4.3). */
export const aptNoInstallRecommends: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM debian:12\nRUN apt-get install -y curl=7.88\n'],
    good: [
      'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=7.88\n',
      'FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y curl=7.88\n',
      'FROM debian:12\nRUN apt-get update\n',
    ],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, commands }) =>
      packageCommands(commands, ['apt-get', 'apt'])
        .filter(
          (c) =>
            c.subcommand === 'install' && !withFlag(c, ['--no-install-recommends']) && !c.words.some((w) => /^APT::Install-Recommends=(false|0)$/i.test(w)),
        )
        .map((c) => findingAt(meta, dockerfile, run, `\`${c.tool} install\` without --no-install-recommends`)),
    );
  },
};
