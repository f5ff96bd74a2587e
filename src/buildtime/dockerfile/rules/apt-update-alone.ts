import { packageCommands } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-011',
  title: 'Package index update alone in its own RUN',
  severity: 'MEDIUM',
  rationale: 'The layer cache keeps the old `update` layer: later installs use a stale index and miss security fixes, or fail when the mirror has moved on.',
  remediation: 'Run `apt-get update && apt-get install …` in the same RUN instruction.',
  references: ['CIS Docker Benchmark 4.7', 'checkov CKV_DOCKER_5'],
  cis: '4.7',
};

/** SS-DF-011: `apt-get update` (or `apk update`) in a RUN that installs nothing (CIS 4.7). */
export const aptUpdateAlone: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n', 'FROM alpine:3\nRUN apk update\n'],
    good: ['FROM debian:12\nRUN apt-get update && apt-get install -y curl\n', 'FROM alpine:3\nRUN apk update && apk add curl\n'],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, commands }) => {
      const calls = packageCommands(commands, ['apt-get', 'apt', 'apk']);
      const updates = calls.filter((c) => c.subcommand === 'update');
      const installs = calls.filter((c) => ['install', 'add', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep'].includes(c.subcommand));
      const first = updates[0];
      return first && installs.length === 0 ? [findingAt(meta, dockerfile, run, `\`${first.tool} update\` without an install in the same RUN`)] : [];
    });
  },
};
