import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-019',
  title: 'sudo used in RUN',
  severity: 'MEDIUM',
  rationale: 'sudo has unpredictable TTY and signal behaviour in containers, and installing it leaves a privilege-escalation path in the image.',
  remediation: 'Switch with `USER root` for the privileged steps and back to an unprivileged USER afterwards; use gosu/su-exec at run time if needed.',
  references: ['hadolint DL3004'],
  hadolint: 'DL3004',
};

/** SS-DF-019: `sudo` in RUN (hadolint DL3004). */
export const sudo: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM debian:12\nUSER app\nRUN sudo apt-get install -y curl\n', 'FROM debian:12\nRUN make && sudo make install\n'],
    good: ['FROM debian:12\nRUN apt-get install -y sudo-ldap-doc && echo sudo\n'],
  },
  check(dockerfile) {
    return runCommands(dockerfile)
      .filter(({ commands }) => commands.some((c) => c.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) === 'sudo'))
      .map(({ run }) => findingAt(meta, dockerfile, run, 'RUN uses sudo'));
  },
};
