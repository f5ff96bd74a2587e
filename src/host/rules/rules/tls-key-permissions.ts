import { exampleFile } from '../examples.js';
import type { HostConfigFile, HostRule, HostRuleMeta } from '../rule.js';
import { hostFinding, modeText } from '../rule.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-013',
  title: 'Engine TLS private key readable by non-root users',
  severity: 'HIGH',
  rationale:
    "The Docker daemon's TLS key (daemon.json `tlskey`) lets its holder pose as the daemon to every client; a registry client key in /etc/docker/certs.d lets its holder pull (and perhaps push) as this host. A key other users can read, or that another user owns, is no longer the host's secret.",
  remediation:
    'chown root:root and chmod 400 the key files (daemon.json `tlskey`, `*.key` in /etc/docker/certs.d/<registry>/), and replace any key that was readable by others.',
  references: ['CIS Docker Benchmark v1.6.0 3.13', 'CIS Docker Benchmark v1.6.0 3.14'],
  cis: '3.14',
};

const key = (path: string, mode: number, uid = 0): HostConfigFile => exampleFile('tls-key', path, undefined, { mode, uid });

/** SS-HOST-013: TLS key files not owned by root, or with any permission for group or others. */
export const tlsKeyPermissions: HostRule = {
  meta,
  kinds: ['tls-key'],
  examples: {
    bad: [
      [key('/etc/docker/server-key.pem', 0o644)],
      [key('/etc/docker/certs.d/registry.corp:5000/client.key', 0o600, 1000)],
      [key('/root/.docker/key.pem', 0o640)],
    ],
    good: [[key('/etc/docker/server-key.pem', 0o400)], [key('/etc/docker/certs.d/registry.corp:5000/client.key', 0o600)]],
  },
  check(file) {
    if (file.type !== 'file') return [];
    const findings = file.uid === 0 ? [] : [hostFinding(meta, file.path, `the key is owned by uid ${file.uid}, not root`)];
    if ((file.mode & 0o077) !== 0)
      findings.push(hostFinding(meta, file.path, `group or other users have permissions on the key (mode ${modeText(file.mode)}); 400 is expected`));
    return findings;
  },
};
