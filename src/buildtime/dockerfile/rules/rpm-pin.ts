import { packageCommands } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-015',
  title: 'yum/dnf install without version pinning',
  severity: 'LOW',
  rationale: 'Unpinned packages make builds unreproducible: a rebuild can silently install a different version.',
  remediation: 'Pin versions: `dnf install -y httpd-2.4.57` (name-version).',
  references: ['hadolint DL3033', 'hadolint DL3041'],
  hadolint: 'DL3033, DL3041',
};

/** SS-DF-015: `yum`/`dnf`/`microdnf install pkg` without `pkg-version` (hadolint DL3033, DL3041). */
export const rpmPin: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n', 'FROM centos:7\nRUN yum install -y nginx && yum clean all\n'],
    good: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.57 && dnf clean all\n', 'FROM fedora:40\nRUN dnf install -y ./local.rpm\n'],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, commands }) => {
      const unpinned = packageCommands(commands, ['yum', 'dnf', 'microdnf'])
        .filter((c) => c.subcommand === 'install')
        .flatMap((c) => c.packages.filter((p) => !/-\d/.test(p) && !p.endsWith('.rpm') && !p.includes('$') && !p.includes(':') && !p.startsWith('@')));
      return unpinned.length > 0 ? [findingAt(meta, dockerfile, run, `rpm packages installed without a pinned version: ${unpinned.join(', ')}`)] : [];
    });
  },
};
