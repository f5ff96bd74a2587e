import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { scalarText } from '../fields.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-010',
  title: 'No non-root user set',
  severity: 'MEDIUM',
  rationale:
    "Without `user`, the container runs as the image's default user, which is root unless the image sets USER; root in a container is one kernel bug away from root on the host.",
  remediation: 'Set `user: "10001:10001"` (or a named non-root user of the image), and make sure the image works without root.',
  references: ['CIS Docker Benchmark v1.6.0 4.1', 'https://docs.docker.com/reference/compose-file/services/#user'],
  cis: '4.1',
};

/** SS-CMP-010: `user` absent, or root (`root`, `0`, `0:0`, `root:root`...). */
export const user: ComposeRule = {
  meta,
  examples: {
    bad: [
      'services:\n  app:\n    image: alpine:3.20\n',
      'services:\n  app:\n    image: alpine:3.20\n    user: "0:0"\n',
      'services:\n  app:\n    image: alpine:3.20\n    user: root\n',
    ],
    good: ['services:\n  app:\n    image: alpine:3.20\n    user: "10001:10001"\n', 'services:\n  app:\n    image: alpine:3.20\n    user: app\n'],
  },
  check(service, file) {
    const value = scalarText(service.raw.user)?.trim();
    if (value === undefined || value === '') {
      return [findingAt(meta, service, file, ['user'], "no `user`: runs as the image's default user (root unless the image sets USER)")];
    }
    const name = value.split(':')[0];
    return name === 'root' || name === '0' ? [findingAt(meta, service, file, ['user'], `runs as root (\`user: ${value}\`)`)] : [];
  },
};
