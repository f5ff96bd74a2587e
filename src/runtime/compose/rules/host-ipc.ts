import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { scalarText } from '../fields.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-005',
  title: 'Host IPC namespace shared',
  severity: 'MEDIUM',
  rationale: "The container can read and write the host's shared memory and semaphores, which other processes may use for sensitive data.",
  remediation: 'Remove `ipc: host`; use `ipc: shareable` / `service:<name>` to share IPC between containers only.',
  references: ['CIS Docker Benchmark v1.6.0 5.17', 'https://docs.docker.com/reference/compose-file/services/#ipc'],
  cis: '5.17',
};

/** SS-CMP-005: `ipc: host`. */
export const hostIpc: ComposeRule = {
  meta,
  examples: {
    bad: ['services:\n  app:\n    image: alpine:3.20\n    ipc: host\n', 'services:\n  app:\n    image: alpine:3.20\n    ipc: "host"\n'],
    good: ['services:\n  app:\n    image: alpine:3.20\n', 'services:\n  app:\n    image: alpine:3.20\n    ipc: "service:db"\n'],
  },
  check(service, file) {
    const value = scalarText(service.raw.ipc)?.trim();
    return value === 'host' ? [findingAt(meta, service, file, ['ipc'], 'shares the host IPC namespace')] : [];
  },
};
