import { packageCommands } from '../packages.js';
import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { finalChain, runCommands } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-017',
  title: 'yum/dnf cache not cleaned after install',
  severity: 'LOW',
  rationale: 'Repository metadata and downloaded packages stay in the layer and grow the shipped image.',
  remediation: 'End the same RUN with `dnf clean all` / `yum clean all` (and `rm -rf /var/cache/dnf`).',
  references: ['hadolint DL3032', 'hadolint DL3040'],
  hadolint: 'DL3032, DL3040',
};

/** SS-DF-017: yum/dnf caches left in the final image (hadolint DL3032, DL3040). */
export const rpmClean: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.57\n'],
    good: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.57 && dnf clean all\n', 'FROM centos:7\nRUN yum install -y nginx-1.20 && rm -rf /var/cache/yum\n'],
  },
  check(dockerfile) {
    const shipped = new Set(finalChain(dockerfile).map((s) => s.index));
    return runCommands(dockerfile)
      .filter(({ run }) => shipped.has(run.stage))
      .flatMap(({ run, commands }) => {
        const calls = packageCommands(commands, ['yum', 'dnf', 'microdnf']);
        const install = calls.find((c) => c.subcommand === 'install' || c.subcommand === 'groupinstall');
        const cleaned = calls.some((c) => c.subcommand === 'clean') || commands.some((c) => c[0] === 'rm' && c.some((w) => /^\/var\/cache\/(yum|dnf)/.test(w)));
        return install && !cleaned
          ? [findingAt(meta, dockerfile, run, `\`${install.tool} install\` without \`${install.tool} clean all\` in the same RUN`)]
          : [];
      });
  },
};
