import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { scalarText, valueAt } from '../fields.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-012',
  title: 'No PIDs limit',
  severity: 'LOW',
  rationale: "Without a PIDs cgroup limit, a fork bomb or a runaway process in one container can exhaust the host's process table.",
  remediation: 'Set `pids_limit: 200` (or `deploy.resources.limits.pids`), sized for the service.',
  references: ['CIS Docker Benchmark v1.6.0 5.29', 'https://docs.docker.com/reference/compose-file/services/#pids_limit'],
  cis: '5.29',
};

/** SS-CMP-012: neither `pids_limit` nor `deploy.resources.limits.pids` (0 and -1 mean unlimited). */
export const pidsLimit: ComposeRule = {
  meta,
  examples: {
    bad: ['services:\n  app:\n    image: alpine:3.20\n', 'services:\n  app:\n    image: alpine:3.20\n    pids_limit: -1\n'],
    good: [
      'services:\n  app:\n    image: alpine:3.20\n    pids_limit: 100\n',
      'services:\n  app:\n    image: alpine:3.20\n    deploy:\n      resources:\n        limits:\n          pids: 100\n',
    ],
  },
  check(service, file) {
    if (isLimit(service.raw.pids_limit) || isLimit(valueAt(service.raw, ['deploy', 'resources', 'limits', 'pids']))) return [];
    const at = service.raw.pids_limit === undefined ? [] : ['pids_limit'];
    return [findingAt(meta, service, file, at, 'no PIDs limit (`pids_limit` or `deploy.resources.limits.pids`)')];
  },
};

function isLimit(value: unknown): boolean {
  const text = scalarText(value)?.trim();
  if (text === undefined || text === '') return false;
  const n = Number(text);
  return Number.isNaN(n) ? true : n > 0; // an interpolated `${PIDS}` is given the benefit of the doubt
}
