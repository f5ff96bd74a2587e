import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { sourcesOf } from '../copy-sources.js';

const wholeContext = new Set(['.', './', '*', './*', '/', '.*']);

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-021',
  title: 'Whole build context copied without a .dockerignore',
  severity: 'MEDIUM',
  rationale: 'Without a .dockerignore, `COPY . .` puts everything in the context into the image: .git history, .env files, local credentials, build output.',
  remediation: 'Add a .dockerignore (exclude .git, .env*, secrets, node_modules, build output) or copy only the files the image needs.',
  references: ['CIS Docker Benchmark 4.10', 'BuildKit CopyIgnoredFile'],
  cis: '4.10',
};

/** SS-DF-021: `COPY . .` with no `.dockerignore` sends `.git`, `.env` and keys into the image. */
export const copyContextNoDockerignore: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM node:20\nCOPY . .\n', 'FROM node:20\nADD ./ /app\n', 'FROM node:20\nCOPY --chown=node:node . /app/\n'],
    good: ['FROM node:20\nCOPY package.json package-lock.json ./\n', 'FROM node:20 AS b\nFROM node:20\nCOPY --from=b . /app\n'],
  },
  check(dockerfile) {
    if (dockerfile.hasDockerignore) return [];
    return dockerfile.instructions
      .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !i.flags.some((f) => f.name === 'from'))
      .filter((i) => sourcesOf(i).some((s) => wholeContext.has(s)))
      .map((i) => findingAt(meta, dockerfile, i, `${i.keyword} copies the whole build context and there is no .dockerignore`));
  },
};
