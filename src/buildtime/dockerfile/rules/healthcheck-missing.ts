import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { estateParents, imageConfigOf, whereSet } from '../image-config.js';
import { finalInstructions, finalStage } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-023',
  title: 'No HEALTHCHECK',
  severity: 'LOW',
  rationale: 'Without a health check the engine only knows whether the process runs, not whether it serves; a hung container keeps receiving traffic.',
  remediation: 'Add `HEALTHCHECK CMD <probe>` to the final stage (or define probes in the orchestrator and note it).',
  references: ['CIS Docker Benchmark 4.6', 'hadolint DL3057'],
  hadolint: 'DL3057',
  cis: '4.6',
};

/** SS-DF-023: the final image declares no HEALTHCHECK (hadolint DL3057, CIS 4.6). */
export const healthcheckMissing: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM nginx:1.25\nCOPY site /usr/share/nginx/html\n', 'FROM nginx:1.25\nHEALTHCHECK NONE\n'],
    good: ['FROM nginx:1.25\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n', 'FROM nginx:1.25 AS base\nHEALTHCHECK CMD true\nFROM base\n'],
  },
  check(dockerfile) {
    const stage = finalStage(dockerfile);
    if (!stage) return [];
    const last = finalInstructions(dockerfile)
      .filter((i) => i.keyword === 'HEALTHCHECK')
      .at(-1);
    if (last) return isNone(last.arguments[0] ?? '') ? [findingAt(meta, dockerfile, last, 'HEALTHCHECK NONE disables the health check')] : [];
    // None in this file: the image keeps its parent's.
    const config = imageConfigOf(dockerfile);
    const check = config?.healthcheck;
    const parent = dockerfile.inherited;
    if (check?.kind === 'set') {
      return isNone(check.value)
        ? [
            findingAt(
              meta,
              dockerfile,
              stage.from,
              `the final stage has no HEALTHCHECK and its parent image ${parent?.image ?? ''} disables it (HEALTHCHECK NONE at ${whereSet(check)})`,
            ),
          ]
        : [];
    }
    if (config === undefined || check?.kind !== 'unknown' || parent === undefined)
      return [findingAt(meta, dockerfile, stage.from, 'the final stage has no HEALTHCHECK instruction')];
    return [
      findingAt(
        meta,
        dockerfile,
        stage.from,
        `no HEALTHCHECK in the final stage or ${estateParents(config)}; the base image ${check.parent} (not read) may define one`,
      ),
    ];
  },
};

/** `HEALTHCHECK NONE` (the value's first word). */
function isNone(healthcheck: string): boolean {
  return (healthcheck.split(' ')[0] ?? '').toUpperCase() === 'NONE';
}
