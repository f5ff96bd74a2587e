import { packageCommands, withFlag } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const tooling = new Set(['pip', 'setuptools', 'wheel']);

/** A pip requirement that names a version, a file, a directory or a URL. */
function pinned(requirement: string): boolean {
  return (
    /(==|>=|<=|~=|!=|<|>|@)/.test(requirement) ||
    /^(\.|\/|git\+|https?:)/.test(requirement) ||
    /\.(whl|tar\.gz|zip)$/.test(requirement) ||
    requirement.includes('$')
  );
}

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-029',
  title: 'pip install without version pinning',
  severity: 'LOW',
  rationale: 'Unpinned Python packages make builds unreproducible and let a compromised new release into the image on the next build.',
  remediation: 'Pin versions (`pip install flask==3.0.0`), or install from a hashed requirements file (`pip install --require-hashes -r requirements.txt`).',
  references: ['hadolint DL3013'],
  hadolint: 'DL3013',
};

/** SS-DF-029: `pip install pkg` without a version (hadolint DL3013). */
export const pipPin: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM python:3.12\nRUN pip install --no-cache-dir flask gunicorn==21.2.0\n'],
    good: [
      'FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n',
      'FROM python:3.12\nRUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir . "flask>=3,<4"\n',
    ],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, commands }) => {
      const unpinned = packageCommands(commands, ['pip'])
        .filter((c) => c.subcommand === 'install')
        .flatMap((c) => {
          const upgrade = withFlag(c, ['--upgrade'], ['U']);
          return c.packages.filter((p) => !pinned(p) && !(upgrade && tooling.has(p.toLowerCase())));
        });
      return unpinned.length > 0 ? [findingAt(meta, dockerfile, run, `pip packages installed without a pinned version: ${unpinned.join(', ')}`)] : [];
    });
  },
};
