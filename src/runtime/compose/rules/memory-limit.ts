import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { scalarText, valueAt } from '../fields.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-011',
  title: 'No memory limit',
  severity: 'LOW',
  rationale: "A container without a memory limit can exhaust the host's memory, starving or OOM-killing the other containers and host services.",
  remediation: 'Set `mem_limit: 512m` or `deploy.resources.limits.memory: 512M`, sized for the service.',
  references: ['CIS Docker Benchmark v1.6.0 5.11', 'https://docs.docker.com/reference/compose-file/deploy/#resources'],
  cis: '5.11',
};

/** SS-CMP-011: neither `mem_limit` nor `deploy.resources.limits.memory` (a limit of 0 or -1 is none). */
export const memoryLimit: ComposeRule = {
  meta,
  examples: {
    bad: ['services:\n  app:\n    image: alpine:3.20\n', 'services:\n  app:\n    image: alpine:3.20\n    mem_limit: 0\n'],
    good: [
      'services:\n  app:\n    image: alpine:3.20\n    mem_limit: 256m\n',
      'services:\n  app:\n    image: alpine:3.20\n    deploy:\n      resources:\n        limits:\n          memory: 256M\n',
    ],
  },
  check(service, file) {
    if (isLimit(service.raw.mem_limit) || isLimit(valueAt(service.raw, ['deploy', 'resources', 'limits', 'memory']))) return [];
    const at = service.raw.mem_limit === undefined ? [] : ['mem_limit'];
    return [findingAt(meta, service, file, at, 'no memory limit (`mem_limit` or `deploy.resources.limits.memory`)')];
  },
};

function isLimit(value: unknown): boolean {
  const text = scalarText(value)?.trim();
  return text !== undefined && text !== '' && !/^(?:-1|0+[a-z]*)$/i.test(text);
}
