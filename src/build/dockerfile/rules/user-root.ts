import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { finalInstructions, finalStage } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-003',
  title: 'Container runs as root',
  severity: 'HIGH',
  rationale: 'A process running as root inside the container is root on the host if it escapes, and can modify anything in the image at run time.',
  remediation: 'Create an unprivileged user and end the final stage with `USER <name or uid>` (e.g. `USER 10001`).',
  references: ['CIS Docker Benchmark 4.1', 'hadolint DL3002', 'NIST SP 800-190 4.4.3'],
  hadolint: 'DL3002',
  cis: '4.1',
};

/** SS-DF-003: the final image runs as root (hadolint DL3002, CIS 4.1). */
export const userRoot: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM debian:12\nRUN echo hi\n', 'FROM debian:12\nUSER app\nUSER root\n', 'FROM debian:12\nUSER 0:0\n', 'FROM debian:12 AS base\nUSER app\nFROM alpine:3\nCMD ["x"]\n'],
    good: ['FROM debian:12\nUSER root\nRUN apt-get update\nUSER 10001\n', 'FROM debian:12 AS base\nUSER app\nFROM base\nCMD ["x"]\n', 'FROM debian:12\nARG U\nUSER ${U}\n'],
  },
  check(dockerfile) {
    const stage = finalStage(dockerfile);
    if (!stage) return [];
    const users = finalInstructions(dockerfile).filter((i) => i.keyword === 'USER');
    const last = users.at(-1);
    if (!last) return [findingAt(meta, dockerfile, stage.from, 'the final stage sets no USER: the container runs as root unless the base image sets a user')];
    const user = last.arguments[0] ?? '';
    const name = user.split(':')[0] ?? '';
    if (name === 'root' || name === '0') return [findingAt(meta, dockerfile, last, `the last USER of the final stage is \`${user}\``)];
    return [];
  },
};
