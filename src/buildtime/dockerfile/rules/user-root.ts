import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { estateParents, imageConfigOf, isRootUser, whereSet } from '../image-config.js';
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
    bad: [
      'FROM debian:12\nRUN echo hi\n',
      'FROM debian:12\nUSER app\nUSER root\n',
      'FROM debian:12\nUSER 0:0\n',
      'FROM debian:12 AS base\nUSER app\nFROM alpine:3\nCMD ["x"]\n',
      'FROM scratch\nCOPY app /app\n',
    ],
    good: [
      'FROM debian:12\nUSER root\nRUN apt-get update\nUSER 10001\n',
      'FROM debian:12 AS base\nUSER app\nFROM base\nCMD ["x"]\n',
      'FROM debian:12\nARG U\nUSER ${U}\n',
    ],
  },
  check(dockerfile) {
    const stage = finalStage(dockerfile);
    if (!stage) return [];
    const last = finalInstructions(dockerfile)
      .filter((i) => i.keyword === 'USER')
      .at(-1);
    if (last) {
      const user = last.arguments[0] ?? '';
      return isRootUser(user) ? [findingAt(meta, dockerfile, last, `the last USER of the final stage is \`${user}\``)] : [];
    }
    // No USER in this file: the container runs as its parent image's user.
    const config = imageConfigOf(dockerfile);
    const user = config?.user;
    const parent = dockerfile.inherited;
    if (user?.kind === 'set') {
      const message = `the final stage sets no USER and its parent image ${parent?.image ?? ''} runs as \`${user.value}\` (USER at ${whereSet(user)})`;
      return isRootUser(user.value) ? [findingAt(meta, dockerfile, stage.from, message)] : [];
    }
    if (user?.kind === 'unset')
      return [findingAt(meta, dockerfile, stage.from, 'the final stage sets no USER and the image starts FROM scratch: the container runs as root (uid 0)')];
    if (config === undefined || user === undefined || parent === undefined)
      return [findingAt(meta, dockerfile, stage.from, 'the final stage sets no USER: the container runs as root unless the base image sets a user')];
    return [
      findingAt(
        meta,
        dockerfile,
        stage.from,
        `no USER in the final stage or ${estateParents(config)}: the container runs as root unless the base image ${user.parent} (not read) sets one`,
      ),
    ];
  },
};
