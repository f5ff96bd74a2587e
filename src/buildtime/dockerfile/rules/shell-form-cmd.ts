import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-027',
  title: 'Shell-form ENTRYPOINT or CMD',
  severity: 'LOW',
  rationale:
    'In shell form the process runs as a child of `/bin/sh -c`: it does not receive SIGTERM, so shutdowns are killed after the grace period; a shell-form ENTRYPOINT also ignores CMD and `docker run` arguments.',
  remediation: 'Use the JSON (exec) form: `ENTRYPOINT ["/app/server"]`, `CMD ["--port", "8080"]`.',
  references: ['hadolint DL3025', 'BuildKit JSONArgsRecommended'],
  hadolint: 'DL3025',
};

/** SS-DF-027: shell-form ENTRYPOINT/CMD run under `/bin/sh -c`, which does not forward signals (hadolint DL3025). */
export const shellFormCmd: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3\nENTRYPOINT /app/server --port 80\n', 'FROM alpine:3\nCMD node server.js\n'],
    good: ['FROM alpine:3\nENTRYPOINT ["/app/server"]\nCMD ["--port", "80"]\n'],
  },
  check(dockerfile) {
    return dockerfile.instructions
      .filter((i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && i.json === undefined && i.rawArguments.trim() !== '')
      .map((i) => findingAt(meta, dockerfile, i, `${i.keyword} in shell form: \`${i.rawArguments.trim().split('\n')[0] ?? ''}\``));
  },
};
