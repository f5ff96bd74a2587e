import type { DockerfileFindingDraft, DockerfileRule, DockerfileRuleMeta } from '../rule.js';
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
    const seen = new Set<string>();
    const findings: DockerfileFindingDraft[] = [];
    for (const stage of dockerfile.stages) {
      if (stage.name === undefined) continue;
      if (seen.has(stage.name)) findings.push(findingAt(meta, dockerfile, stage.from, `stage name \`${stage.name}\` is already used`));
      seen.add(stage.name);
    }
    return findings;
  },
};
