import { packageCommands, withFlag } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { finalChain, runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-028',
  title: 'pip install without --no-cache-dir',
  severity: 'LOW',
  rationale: 'pip keeps downloaded wheels in ~/.cache/pip, which then ships in the image layer.',
  remediation: 'Use `pip install --no-cache-dir …`, set `ENV PIP_NO_CACHE_DIR=1`, or use a cache mount.',
  references: ['hadolint DL3042'],
  hadolint: 'DL3042',
};

/** SS-DF-028: `pip install` keeps its download cache in the layer (hadolint DL3042). */
export const pipNoCacheDir: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM python:3.12\nRUN pip install -r requirements.txt\n', 'FROM python:3.12\nRUN python3 -m pip install flask==3.0.0\n'],
    good: [
      'FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n',
      'FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install -r requirements.txt\n',
      'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n',
    ],
  },
  check(dockerfile) {
    const shipped = finalChain(dockerfile);
    const ids = new Set(shipped.map((s) => s.index));
    const envOff = shipped.some((s) => /^(1|true|on|yes)$/i.test(s.variables.get('PIP_NO_CACHE_DIR') ?? ''));
    if (envOff) return [];
    return runCommands(dockerfile)
      .filter(({ run }) => ids.has(run.stage) && !run.flags.some((f) => f.name === 'mount' && /type=cache/.test(f.value ?? '') && /pip/.test(f.value ?? '')))
      .flatMap(({ run, commands }) =>
        packageCommands(commands, ['pip'])
          .filter((c) => c.subcommand === 'install' && !withFlag(c, ['--no-cache-dir']))
          .slice(0, 1)
          .map(() => findingAt(meta, dockerfile, run, '`pip install` without --no-cache-dir')),
      );
  },
};
