import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-036',
  title: 'MAINTAINER is deprecated',
  severity: 'LOW',
  rationale: 'MAINTAINER is deprecated; tools read image authorship from the OCI label.',
  remediation: 'Use `LABEL org.opencontainers.image.authors="…"`.',
  references: ['hadolint DL4000', 'BuildKit MaintainerDeprecated'],
  hadolint: 'DL4000',
};

/** SS-DF-036: MAINTAINER is deprecated (hadolint DL4000). */
export const maintainer: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3\nMAINTAINER Jane <jane@example.com>\n'],
    good: ['FROM alpine:3\nLABEL org.opencontainers.image.authors="jane@example.com"\n'],
  },
  check(dockerfile) {
    return dockerfile.instructions
      .filter((i) => i.keyword === 'MAINTAINER')
      .map((i) => findingAt(meta, dockerfile, i, 'MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors'));
  },
};
