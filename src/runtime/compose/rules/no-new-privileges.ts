import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { listEntries, scalarText } from '../fields.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-009',
  title: 'no-new-privileges not set',
  severity: 'MEDIUM',
  rationale: 'Without no-new-privileges, a process in the container can gain privileges through setuid/setgid binaries or file capabilities.',
  remediation: 'Add `security_opt: ["no-new-privileges:true"]`.',
  references: ['CIS Docker Benchmark v1.6.0 5.26', 'https://docs.docker.com/reference/cli/docker/container/run/#security-opt'],
  cis: '5.26',
};

/** SS-CMP-009: `security_opt` without `no-new-privileges` (or with it set to false). */
export const noNewPrivileges: ComposeRule = {
  meta,
  examples: {
    bad: ['services:\n  app:\n    image: alpine:3.20\n', 'services:\n  app:\n    image: alpine:3.20\n    security_opt:\n      - no-new-privileges:false\n'],
    good: [
      'services:\n  app:\n    image: alpine:3.20\n    security_opt:\n      - no-new-privileges:true\n',
      'services:\n  app:\n    image: alpine:3.20\n    security_opt: ["no-new-privileges", "apparmor=docker-default"]\n',
      'services:\n  app:\n    image: alpine:3.20\n    security_opt: ["no-new-privileges=true"]\n',
    ],
  },
  check(service, file) {
    const setting = listEntries(service.raw.security_opt)
      .map(({ value }) => scalarText(value)?.trim())
      .find((opt) => opt !== undefined && /^no-new-privileges(?:[:=]|$)/.test(opt));
    if (setting !== undefined && /^no-new-privileges(?:[:=]true)?$/i.test(setting)) return [];
    const message = setting === undefined ? 'no `no-new-privileges` in `security_opt`' : `\`${setting}\` lets processes gain privileges`;
    return [findingAt(meta, service, file, ['security_opt'], message)];
  },
};
