import { packageCommands } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-006',
  title: 'apt-get install without version pinning',
  severity: 'LOW',
  rationale: 'Unpinned packages make builds unreproducible: a rebuild can silently install a different (possibly broken or vulnerable) version.',
  remediation: 'Pin versions: `apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5`.',
  references: ['hadolint DL3008'],
  hadolint: 'DL3008',
};

/** SS-DF-006: `apt-get install pkg` without `pkg=version` (hadolint DL3008). */
export const aptPin: DockerfileRule = {
  meta,
  examples: {
    bad: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
      'FROM debian:12\nRUN apt install -y curl=7.88 git\n',
    ],
    good: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\n',
      'FROM debian:12\nRUN apt-get install -y ./pkg.deb\n',
    ],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, commands }) => {
      const unpinned = packageCommands(commands, ['apt-get', 'apt'])
        .filter((c) => c.subcommand === 'install')
        .flatMap((c) => c.packages.filter((p) => !p.includes('=') && !p.endsWith('.deb') && !p.startsWith('/') && !p.startsWith('./') && !p.includes('$')));
      return unpinned.length > 0 ? [findingAt(meta, dockerfile, run, `apt packages installed without a pinned version: ${unpinned.join(', ')}`)] : [];
    });
  },
};
