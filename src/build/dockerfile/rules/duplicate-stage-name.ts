import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-039',
  title: 'Duplicate stage name',
  severity: 'MEDIUM',
  rationale: 'Stage names must be unique; BuildKit rejects the Dockerfile and older builders silently use one of them.',
  remediation: 'Give every stage its own name.',
  references: ['hadolint DL3024', 'BuildKit DuplicateStageName'],
  hadolint: 'DL3024',
};

/** SS-DF-039: two stages with the same name (hadolint DL3024). */
export const duplicateStageName: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3 AS build\nFROM debian:12 AS build\n'],
    good: ['FROM alpine:3 AS build\nFROM debian:12 AS test\n'],
  },
  check(dockerfile) {
    return dockerfile.stages
      .filter((s) => s.name !== undefined && dockerfile.stages.findIndex((o) => o.name === s.name) < s.index)
      .map((s) => findingAt(meta, dockerfile, s.from, `stage name \`${s.name ?? ''}\` is already used`));
  },
};
