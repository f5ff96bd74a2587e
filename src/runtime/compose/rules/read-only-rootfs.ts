import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { isTrue } from '../fields.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-008',
  title: 'Root filesystem not read-only',
  severity: 'LOW',
  rationale: 'A writable root filesystem lets an intruder drop tools, modify binaries and persist for the life of the container.',
  remediation: 'Set `read_only: true`, and give the paths that must be writable a `tmpfs` or a volume.',
  references: ['CIS Docker Benchmark v1.6.0 5.13', 'https://docs.docker.com/reference/compose-file/services/#read_only'],
  cis: '5.13',
};

/** SS-CMP-008: `read_only` absent or false. */
export const readOnlyRootfs: ComposeRule = {
  meta,
  examples: {
    bad: ['services:\n  app:\n    image: alpine:3.20\n', 'services:\n  app:\n    image: alpine:3.20\n    read_only: false\n'],
    good: ['services:\n  app:\n    image: alpine:3.20\n    read_only: true\n    tmpfs: [/tmp]\n'],
  },
  check(service, file) {
    if (isTrue(service.raw.read_only)) return [];
    const message =
      service.raw.read_only === undefined ? 'root filesystem is writable (no `read_only: true`)' : 'root filesystem is writable (`read_only` is not true)';
    return [findingAt(meta, service, file, ['read_only'], message)];
  },
};
