import { packageCommands } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const upgrades = new Set(['upgrade', 'dist-upgrade', 'full-upgrade']);

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-010',
  title: 'apt-get upgrade or dist-upgrade',
  severity: 'LOW',
  rationale:
    'Upgrading every package makes the image content depend on the build date and can pull in untested major changes; patches belong in a rebuilt, updated base image.',
  remediation: 'Use a recent, patched base image tag (rebuilt regularly) and upgrade only the specific packages that need it, pinned.',
  references: ['CIS Docker Benchmark 4.4', 'hadolint DL3005 (retired)'],
  cis: '4.4',
};

/** SS-DF-010: `apt-get upgrade` / `dist-upgrade` in the Dockerfile. */
export const aptUpgrade: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM debian:12\nRUN apt-get update && apt-get -y upgrade\n', 'FROM debian:12\nRUN apt-get dist-upgrade -y\n'],
    good: ['FROM debian:12\nRUN apt-get install -y --only-upgrade openssl=3.0.13\n'],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, commands }) =>
      packageCommands(commands, ['apt-get', 'apt'])
        .filter((c) => upgrades.has(c.subcommand))
        .map((c) => findingAt(meta, dockerfile, run, `\`${c.tool} ${c.subcommand}\` upgrades every package`)),
    );
  },
};
