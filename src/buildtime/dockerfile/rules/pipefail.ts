import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const nonPosix = /(pwsh|powershell|cmd(\.exe)?)$/i;

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-037',
  title: 'Pipe in RUN without pipefail',
  severity: 'LOW',
  rationale:
    'Without pipefail a pipeline succeeds when only its last command does: `curl … | tar x` passes even if the download failed, building a broken or incomplete image.',
  remediation: 'Add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN (or start the RUN with `set -o pipefail &&`).',
  references: ['hadolint DL4006'],
  hadolint: 'DL4006',
};

/** SS-DF-037: a pipe in RUN without `pipefail` hides failures of all but the last command (hadolint DL4006). */
export const pipefail: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM debian:12\nRUN curl -fsSL https://x.io/a.tgz | tar xz\n'],
    good: [
      'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -fsSL https://x.io/a.tgz | tar xz\n',
      'FROM debian:12\nRUN set -eo pipefail; curl -fsSL https://x.io/a.tgz | tar xz\n',
      'FROM debian:12\nRUN a || b\n',
    ],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, pipelines }) => {
      if (!pipelines.some((p) => p.length > 1)) return [];
      const stage = dockerfile.stages[run.stage];
      const shell = stage?.instructions.filter((i) => i.keyword === 'SHELL' && i.range.startLine < run.range.startLine).at(-1);
      const shellArgs = shell?.json ?? [];
      if (nonPosix.test(shellArgs[0] ?? '')) return [];
      if (shellArgs.some((a) => a === 'pipefail' || a.includes('pipefail'))) return [];
      if (/set\s+(-[a-z]*o\s+|-o\s+)pipefail|set\s+-[a-z]*\s+-o\s+pipefail/.test(run.command ?? '')) return [];
      return [findingAt(meta, dockerfile, run, 'RUN has a pipe but the shell does not set -o pipefail')];
    });
  },
};
