import { packageCommands, withFlag } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-030',
  title: 'npm install instead of npm ci',
  severity: 'LOW',
  rationale:
    '`npm install` may resolve newer versions than the lockfile records (and rewrites it); `npm ci` installs exactly what was reviewed and fails on a mismatch.',
  remediation: 'Copy package.json and package-lock.json, then `RUN npm ci` (add `--omit=dev` for production images).',
  references: ['https://docs.npmjs.com/cli/commands/npm-ci'],
};

/** SS-DF-030: `npm install` with no package re-resolves dependencies; `npm ci` installs the lockfile exactly. */
export const npmInstall: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM node:20\nRUN npm install\n', 'FROM node:20\nRUN npm i --production\n'],
    good: ['FROM node:20\nRUN npm ci --omit=dev\n', 'FROM node:20\nRUN npm install -g npm@10.5.0\n'],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, commands }) =>
      packageCommands(commands, ['npm'])
        .filter((c) => ['install', 'i', 'add', 'isntall'].includes(c.subcommand) && c.packages.length === 0 && !withFlag(c, ['--global'], ['g']))
        .slice(0, 1)
        .map((c) => findingAt(meta, dockerfile, run, `\`npm ${c.subcommand}\` installs from package.json ranges: use \`npm ci\``)),
    );
  },
};
