import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { whereSet } from '../image-config.js';
import { portsOf } from '../ports.js';
import { finalStage } from '../stages.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-022',
  title: 'SSH port exposed',
  severity: 'MEDIUM',
  rationale: 'Running sshd in a container adds credentials to manage and an entry point that bypasses the orchestrator’s access control and audit.',
  remediation: 'Remove sshd and EXPOSE 22; use `docker exec` / `kubectl exec` for debugging.',
  references: ['CIS Docker Benchmark 5.7'],
  cis: '5.7',
};

/** SS-DF-022: EXPOSE 22: an SSH daemon in a container is a second, unmanaged way in. */
export const exposeSsh: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM debian:12\nEXPOSE 22\n', 'FROM debian:12\nEXPOSE 80 22/tcp\n', 'FROM debian:12\nARG P=22\nEXPOSE ${P}\n'],
    good: ['FROM debian:12\nEXPOSE 80 443\n', 'FROM debian:12\nEXPOSE 2222\n'],
  },
  check(dockerfile) {
    const own = dockerfile.instructions
      .filter((i) => i.keyword === 'EXPOSE' && i.arguments.some(isSsh))
      .map((i) => findingAt(meta, dockerfile, i, 'EXPOSE includes port 22 (SSH)'));
    // The ports the parent image exposes (when the estate read its Dockerfile) stay exposed in this one.
    const stage = finalStage(dockerfile);
    const parent = dockerfile.inherited;
    if (!stage || !parent) return own;
    const inherited = parent.config.expose
      .filter((port) => isSsh(port.value))
      .map((port) =>
        findingAt(meta, dockerfile, stage.from, `the parent image ${parent.image} exposes port 22 (SSH): EXPOSE ${port.value} at ${whereSet(port)}`),
      );
    return [...own, ...inherited];
  },
};

function isSsh(argument: string): boolean {
  const port = portsOf(argument);
  return port !== undefined && port.protocol === 'tcp' && port.from <= 22 && port.to >= 22;
}
