import { packageCommands } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

/** A package spec with a version (`x@1`, `@scope/x@1`), or a path, tarball or git/URL source. */
function pinned(spec: string): boolean {
  const at = spec.lastIndexOf('@');
  return at > 0 || /^(\.|\/|~|git[+:]|https?:|file:|github:)/.test(spec) || /\.(tgz|tar\.gz)$/.test(spec) || spec.includes('$');
}

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-031',
  title: 'npm install of a package without version pinning',
  severity: 'LOW',
  rationale: 'An unpinned package resolves to the newest release at build time, including a compromised or breaking one.',
  remediation: 'Pin versions: `npm install -g typescript@5.4.5`.',
  references: ['hadolint DL3016'],
  hadolint: 'DL3016',
};

/** SS-DF-031: `npm install pkg` without `pkg@version` (hadolint DL3016). */
export const npmPin: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM node:20\nRUN npm install -g typescript\n', 'FROM node:20\nRUN npm i express @types/node\n'],
    good: ['FROM node:20\nRUN npm install -g typescript@5.4.5 @types/node@20\n', 'FROM node:20\nRUN npm ci\n'],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, commands }) => {
      const unpinned = packageCommands(commands, ['npm'])
        .filter((c) => ['install', 'i', 'add'].includes(c.subcommand))
        .flatMap((c) => c.packages.filter((p) => !pinned(p)));
      return unpinned.length > 0 ? [findingAt(meta, dockerfile, run, `npm packages installed without a pinned version: ${unpinned.join(', ')}`)] : [];
    });
  },
};
