import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { isInterpolated, listEntries, scalarText } from '../fields.js';
import { isRecord } from '../../../core/records.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-007',
  title: 'Port published on all host interfaces',
  severity: 'MEDIUM',
  rationale:
    "A port published without a host IP listens on 0.0.0.0 (and ::), reachable from every network the host is on; Docker's iptables rules also bypass host firewalls such as ufw.",
  remediation:
    'Bind to a specific interface: `"127.0.0.1:8080:80"` (long syntax: `host_ip: 127.0.0.1`), or use `expose` when only other containers need the port.',
  references: ['CIS Docker Benchmark v1.6.0 5.14', 'https://docs.docker.com/reference/compose-file/services/#ports'],
  cis: '5.14',
};

const allInterfaces = new Set(['', '0.0.0.0', '::', '[::]']);

/** SS-CMP-007: `ports` entries without a host IP, or bound to 0.0.0.0 / `::`. */
export const portsAllInterfaces: ComposeRule = {
  meta,
  examples: {
    bad: [
      'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n',
      'services:\n  web:\n    image: nginx:1.27\n    ports: ["0.0.0.0:443:443/tcp"]\n',
      'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - target: 80\n        published: 8080\n',
      'services:\n  web:\n    image: nginx:1.27\n    ports: [3000]\n',
    ],
    good: [
      'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "127.0.0.1:8080:80"\n      - "[::1]:8443:443"\n',
      'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - target: 80\n        published: "8080"\n        host_ip: 127.0.0.1\n',
      'services:\n  web:\n    image: nginx:1.27\n    expose: ["80"]\n',
    ],
  },
  check(service, file) {
    return listEntries(service.raw.ports).flatMap(({ index, value }) => {
      const hostIp = hostIpOf(value);
      if (hostIp === undefined || isInterpolated(hostIp) || !allInterfaces.has(hostIp)) return [];
      const shown = isRecord(value) ? `target ${scalarText(value.target) ?? '?'}` : JSON.stringify(scalarText(value));
      return [findingAt(meta, service, file, ['ports', index], `publishes port ${shown} on all host interfaces`)];
    });
  },
};

/** The host IP of a port entry (`''` when none is written); undefined when the entry is unreadable. */
export function hostIpOf(port: unknown): string | undefined {
  if (isRecord(port)) {
    if (port.target === undefined) return undefined;
    return scalarText(port.host_ip)?.trim() ?? '';
  }
  const text = scalarText(port)?.trim();
  if (text === undefined || text === '') return undefined;
  const spec = text.replace(/\/[a-z]+$/i, ''); // protocol suffix
  if (spec.startsWith('[')) {
    const close = spec.indexOf(']');
    return close < 0 ? undefined : spec.slice(0, close + 1);
  }
  // [IP:]HOST:CONTAINER, where an unbracketed IPv6 address brings colons of its own
  const parts = spec.split(':');
  return parts.length <= 2 ? '' : parts.slice(0, -2).join(':');
}
