import { packageCommands } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-013',
  title: 'apk add without version pinning',
  severity: 'LOW',
  rationale: 'Unpinned packages make builds unreproducible: a rebuild can silently install a different version.',
  remediation: 'Pin versions: `apk add --no-cache curl=8.5.0-r0` (or a constraint like `curl~8.5`).',
  references: ['hadolint DL3018'],
  hadolint: 'DL3018',
};

/** SS-DF-013: `apk add pkg` without `pkg=version` (hadolint DL3018). */
export const apkPin: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3.19\nRUN apk add --no-cache curl\n'],
    good: ['FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0 git~2.43\n', 'FROM alpine:3.19\nRUN apk add --no-cache ./local.apk\n'],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, commands }) => {
      const unpinned = packageCommands(commands, ['apk'])
        .filter((c) => c.subcommand === 'add')
        .flatMap((c) => c.packages.filter((p) => !/[=~<>]/.test(p) && !p.endsWith('.apk') && !p.includes('$')));
      return unpinned.length > 0 ? [findingAt(meta, dockerfile, run, `apk packages added without a pinned version: ${unpinned.join(', ')}`)] : [];
    });
  },
};
