import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { scalarText } from '../fields.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-003',
  title: 'Host network namespace shared',
  severity: 'HIGH',
  rationale: 'The container sees and can bind every host interface, reach services listening on localhost, and sniff host traffic; network isolation is gone.',
  remediation: 'Remove `network_mode: host`; publish the needed ports instead.',
  references: ['CIS Docker Benchmark v1.6.0 5.10', 'https://docs.docker.com/reference/compose-file/services/#network_mode'],
  cis: '5.10',
};

/** SS-CMP-003: `network_mode: host`. */
export const hostNetwork: ComposeRule = {
  meta,
  examples: {
    bad: ['services:\n  app:\n    image: alpine:3.20\n    network_mode: host\n', 'services:\n  app:\n    image: alpine:3.20\n    network_mode: "host"\n'],
    good: ['services:\n  app:\n    image: alpine:3.20\n', 'services:\n  app:\n    image: alpine:3.20\n    network_mode: "service:db"\n'],
  },
  check(service, file) {
    const value = scalarText(service.raw.network_mode)?.trim();
    return value === 'host' ? [findingAt(meta, service, file, ['network_mode'], 'shares the host network namespace')] : [];
  },
};
