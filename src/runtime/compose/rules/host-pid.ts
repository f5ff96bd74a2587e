import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { scalarText } from '../fields.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-004',
  title: 'Host process namespace shared',
  severity: 'HIGH',
  rationale: 'The container sees every host process and, with enough privilege, can signal or ptrace them and read their environment.',
  remediation: 'Remove `pid: host`.',
  references: ['CIS Docker Benchmark v1.6.0 5.16', 'https://docs.docker.com/reference/compose-file/services/#pid'],
  cis: '5.16',
};

/** SS-CMP-004: `pid: host`. */
export const hostPid: ComposeRule = {
  meta,
  examples: {
    bad: ['services:\n  app:\n    image: alpine:3.20\n    pid: host\n', 'services:\n  app:\n    image: alpine:3.20\n    pid: "host"\n'],
    good: ['services:\n  app:\n    image: alpine:3.20\n', 'services:\n  app:\n    image: alpine:3.20\n    pid: "service:db"\n'],
  },
  check(service, file) {
    const value = scalarText(service.raw.pid)?.trim();
    return value === 'host' ? [findingAt(meta, service, file, ['pid'], 'shares the host pid namespace')] : [];
  },
};
