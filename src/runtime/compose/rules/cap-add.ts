import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { listEntries, scalarText } from '../fields.js';
import { baselineCapabilities } from '../../pss/checks/capabilitiesBaseline.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-002',
  title: 'Capability added beyond the default set',
  severity: 'HIGH',
  rationale:
    'Capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE (and ALL) give a compromised container ways to break out or to attack the host and its neighbours.',
  remediation: 'Remove the capability from `cap_add`, or grant a narrower one; prefer `cap_drop: [ALL]` and add back only what the service needs.',
  references: ['CIS Docker Benchmark v1.6.0 5.4', 'Kubernetes Pod Security Standards baseline: capabilities'],
  cis: '5.4',
};

/** SS-CMP-002: `cap_add` of ALL or of a capability outside the baseline set. */
export const capAdd: ComposeRule = {
  meta,
  examples: {
    bad: [
      'services:\n  app:\n    image: alpine:3.20\n    cap_add:\n      - SYS_ADMIN\n',
      'services:\n  app:\n    image: alpine:3.20\n    cap_add: [ALL]\n',
      'services:\n  app:\n    image: alpine:3.20\n    cap_add: [CAP_NET_ADMIN]\n',
    ],
    good: ['services:\n  app:\n    image: alpine:3.20\n    cap_drop: [ALL]\n    cap_add: [NET_BIND_SERVICE]\n', 'services:\n  app:\n    image: alpine:3.20\n'],
  },
  check(service, file) {
    return listEntries(service.raw.cap_add).flatMap(({ index, value }) => {
      const text = scalarText(value);
      if (text === undefined) return [];
      const name = text.trim().toUpperCase().replace(/^CAP_/, '');
      if (baselineCapabilities.has(name)) return [];
      const why = name === 'ALL' ? 'adds ALL capabilities' : `adds capability ${name}`;
      return [findingAt(meta, service, file, ['cap_add', index], why)];
    });
  },
};
