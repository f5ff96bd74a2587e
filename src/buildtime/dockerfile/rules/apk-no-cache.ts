import { packageCommands, withFlag } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { finalChain, runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-014',
  title: 'apk add without --no-cache',
  severity: 'LOW',
  rationale: 'The apk index and package cache end up in the layer, growing the shipped image for nothing.',
  remediation: 'Use `apk add --no-cache …` (no `apk update` needed), or remove /var/cache/apk/* in the same RUN.',
  references: ['hadolint DL3019'],
  hadolint: 'DL3019',
};

/** SS-DF-014: `apk add` leaving its cache in the final image (hadolint DL3019). */
export const apkNoCache: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3.19\nRUN apk update && apk add curl=8.5.0-r0\n'],
    good: [
      'FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0\n',
      'FROM alpine:3.19\nRUN apk add curl=8.5.0-r0 && rm -rf /var/cache/apk/*\n',
      'FROM alpine:3.19 AS build\nRUN apk add gcc=13\nFROM scratch\n',
    ],
  },
  check(dockerfile) {
    const shipped = new Set(finalChain(dockerfile).map((s) => s.index));
    return runCommands(dockerfile)
      .filter(
        ({ run }) =>
          shipped.has(run.stage) && !run.flags.some((f) => f.name === 'mount' && /target=\/(var\/)?cache\/apk|target=\/etc\/apk\/cache/.test(f.value ?? '')),
      )
      .filter(({ commands }) => !commands.some((c) => c[0] === 'rm' && c.some((w) => w.startsWith('/var/cache/apk'))))
      .flatMap(({ run, commands }) =>
        packageCommands(commands, ['apk'])
          .filter((c) => c.subcommand === 'add' && !withFlag(c, ['--no-cache']))
          .slice(0, 1)
          .map(() => findingAt(meta, dockerfile, run, '`apk add` without --no-cache')),
      );
  },
};
