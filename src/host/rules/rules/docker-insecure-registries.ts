import { dockerdRule } from '../dockerd-rule.js';
import { daemonJson, dockerDropIn, dockerUnit } from '../examples.js';
import { isLoopbackRegistry } from '../registry-address.js';
import type { HostRuleMeta } from '../rule.js';
import { hostFinding } from '../rule.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-002',
  title: 'Docker trusts insecure registries',
  severity: 'HIGH',
  rationale:
    'For a registry in `insecure-registries` (`--insecure-registry`), dockerd accepts any TLS certificate and falls back to plain HTTP. Anyone on the network path can then serve their own image under a trusted name, and credentials sent to the registry travel in clear text. (127.0.0.0/8 is always treated so, and is not reported.)',
  remediation:
    'Remove the entry and give the registry a certificate: one from a public CA, or one from a private CA whose certificate is placed in `/etc/docker/certs.d/<registry>/ca.crt`, so that dockerd verifies it.',
  references: ['CIS Docker Benchmark v1.6.0 2.5', 'Docker docs: Test an insecure registry'],
  cis: '2.5',
};

/** SS-HOST-002: daemon.json `insecure-registries` and `--insecure-registry` entries beyond the loopback network. */
export const dockerInsecureRegistries = dockerdRule(
  meta,
  {
    bad: [
      [daemonJson({ 'insecure-registries': ['registry.internal:5000'] })],
      [dockerUnit('-H fd:// --insecure-registry 10.0.0.0/8')],
      [daemonJson({ 'insecure-registries': [] }), dockerDropIn('registry.conf', '-H fd:// --insecure-registry=http://mirror.corp.example')],
    ],
    good: [
      [daemonJson({ 'insecure-registries': ['127.0.0.0/8', 'localhost:5000'] })],
      [daemonJson({ 'registry-mirrors': ['https://mirror.gcr.io'] })],
      [dockerUnit('-H fd://')],
    ],
  },
  (settings) =>
    settings
      .list('insecure-registries')
      .filter((entry) => typeof entry.value === 'string' && !isLoopbackRegistry(entry.value))
      .map((entry) =>
        hostFinding(meta, entry.from.path, `dockerd pulls from ${JSON.stringify(entry.value)} without verifying TLS, or over plain HTTP (${entry.written})`, {
          line: entry.from.line,
        }),
      ),
);
