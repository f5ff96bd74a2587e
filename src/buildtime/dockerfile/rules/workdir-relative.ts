import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-025',
  title: 'Relative WORKDIR',
  severity: 'LOW',
  rationale: 'A relative WORKDIR resolves against whatever directory was current, possibly set by the base image; a base-image change moves files elsewhere.',
  remediation: 'Use an absolute path: `WORKDIR /app`.',
  references: ['hadolint DL3000', 'BuildKit WorkdirRelativePath'],
  hadolint: 'DL3000',
};

/** SS-DF-025: a relative WORKDIR depends on the previous one, which may come from the base image (hadolint DL3000). */
export const workdirRelative: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3\nWORKDIR app\n', 'FROM alpine:3\nARG D=src\nWORKDIR ${D}\n'],
    good: ['FROM alpine:3\nWORKDIR /app\n', 'FROM alpine:3\nWORKDIR $HOME\n', 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\\\app\n'],
  },
  check(dockerfile) {
    return dockerfile.instructions
      .filter((i) => i.keyword === 'WORKDIR')
      .filter((i) => {
        const dir = (i.arguments.join(' ') ?? '').replace(/^["']|["']$/g, '');
        return dir !== '' && !dir.startsWith('/') && !dir.startsWith('$') && !/^[A-Za-z]:[\\/]/.test(dir);
      })
      .map((i) => findingAt(meta, dockerfile, i, `WORKDIR \`${i.arguments.join(' ')}\` is relative`));
  },
};
