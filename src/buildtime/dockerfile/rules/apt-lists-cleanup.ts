import { packageCommands } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { finalChain, runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-008',
  title: 'apt lists not removed after install',
  severity: 'LOW',
  rationale: 'The package index left in /var/lib/apt/lists adds tens of MB to the layer and stale metadata to the shipped image.',
  remediation: 'End the same RUN with `rm -rf /var/lib/apt/lists/*`, or use a cache mount (`RUN --mount=type=cache,target=/var/lib/apt/lists`).',
  references: ['hadolint DL3009'],
  hadolint: 'DL3009',
};

/** SS-DF-008: apt lists left in the final image after `apt-get install` (hadolint DL3009). */
export const aptListsCleanup: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88\n'],
    good: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88 && rm -rf /var/lib/apt/lists/*\n',
      'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc=12\nFROM scratch\n',
      'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl=7\n',
    ],
  },
  check(dockerfile) {
    const shipped = new Set(finalChain(dockerfile).map((s) => s.index));
    return runCommands(dockerfile)
      .filter(({ run }) => shipped.has(run.stage) && !run.flags.some((f) => f.name === 'mount' && /target=\/var\/lib\/apt/.test(f.value ?? '')))
      .filter(({ commands }) => packageCommands(commands, ['apt-get', 'apt']).some((c) => c.subcommand === 'install'))
      .filter(({ commands }) => !commands.some((c) => c[0] === 'rm' && c.some((w) => w.startsWith('/var/lib/apt/lists'))))
      .map(({ run }) => findingAt(meta, dockerfile, run, 'apt-get install without `rm -rf /var/lib/apt/lists/*` in the same RUN'));
  },
};
