import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { isTrue } from '../fields.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-001',
  title: 'Privileged container',
  severity: 'CRITICAL',
  rationale: 'A privileged container gets every capability and all host devices, and no seccomp or AppArmor confinement: root in it is root on the host.',
  remediation: 'Remove `privileged: true`; add only the capabilities (`cap_add`) and devices (`devices`) the service needs.',
  references: ['CIS Docker Benchmark v1.6.0 5.5', 'https://docs.docker.com/reference/compose-file/services/#privileged'],
  cis: '5.5',
};

/** SS-CMP-001: `privileged: true`. */
export const privileged: ComposeRule = {
  meta,
  examples: {
    bad: ['services:\n  app:\n    image: alpine:3.20\n    privileged: true\n'],
    good: ['services:\n  app:\n    image: alpine:3.20\n', 'services:\n  app:\n    image: alpine:3.20\n    privileged: false\n'],
  },
  check(service, file) {
    return isTrue(service.raw.privileged) ? [findingAt(meta, service, file, ['privileged'], 'runs privileged: full access to the host')] : [];
  },
};
