import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { portsOf } from '../ports.js';

const protocols = new Set(['tcp', 'udp', 'sctp']);

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-041',
  title: 'Invalid EXPOSE port',
  severity: 'LOW',
  rationale: 'Ports are 0–65535 over tcp, udp or sctp; anything else fails the build or documents a port the container never opens.',
  remediation: 'Fix the port number or protocol (`EXPOSE 8080/tcp`).',
  references: ['hadolint DL3011', 'BuildKit ExposeInvalidFormat'],
  hadolint: 'DL3011',
};

/** SS-DF-041: EXPOSE of an invalid port or protocol (hadolint DL3011). */
export const exposeInvalidPort: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3\nEXPOSE 80000\n', 'FROM alpine:3\nEXPOSE 80/http\n', 'FROM alpine:3\nEXPOSE 0.0.0.0:80:80\n'],
    good: ['FROM alpine:3\nEXPOSE 80 443/tcp 53/udp 9000-9010\n', 'FROM alpine:3\nEXPOSE ${PORT}\n'],
  },
  check(dockerfile) {
    return dockerfile.instructions
      .filter((i) => i.keyword === 'EXPOSE')
      .flatMap((i) =>
        i.arguments
          .filter((a) => !a.includes('$'))
          .filter((a) => {
            const port = portsOf(a);
            return !port || port.to > 65535 || port.from > port.to || !protocols.has(port.protocol);
          })
          .map((a) => findingAt(meta, dockerfile, i, `EXPOSE \`${a}\` is not a valid port[/protocol]`)),
      );
  },
};
