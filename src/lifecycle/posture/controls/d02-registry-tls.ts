import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { shellCommand } from '../support/quote.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';

/** Days of validity below which a certificate must be renewed now. */
const renewWithinDays = 30;

/** SS-CTL-D02: registries are served over HTTPS with a trusted certificate that is not about to expire. */
export const registryTls: PostureControl = {
  meta: {
    id: 'SS-CTL-D02',
    phase: 'distribute',
    title: 'Registries use TLS with a trusted, current certificate',
    objective: 'Images and credentials only travel over HTTPS, with a certificate clients verify and that is not about to expire.',
    evaluation: `Per registry: https with a trusted certificate valid for ${renewWithinDays} more days is met; expiring within ${renewWithinDays} days is partial; plain http, an untrusted or self-signed certificate, or an expired one is a gap.`,
    references: [{ framework: 'NIST SP 800-190', id: '4.2.1', title: 'Insecure connections to registries' }],
    weight: 2,
  },
  evaluate(context) {
    const { registries } = context.evidence;
    if (registries.length === 0) return unknown('no registry was scanned');
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    const tlsConfig = ['http:', '  tls:', '    certificate: /etc/docker/registry/certs/registry.crt', '    key: /etc/docker/registry/certs/registry.key'].join(
      '\n',
    );
    for (const report of registries) {
      const nodes = onMap(context.map, [nodeId.registry(report.registry)]);
      const { scheme, tls } = report.access;
      if (scheme === 'http') {
        checks.push(check('gap', `${report.registry} is served over plain HTTP: images and credentials cross the network unencrypted`, report.registry, nodes));
        changes.push(
          change(
            `serve ${report.registry} over HTTPS with a certificate from the organisation's CA (registry config.yml), then drop it from every insecure-registries list`,
            { file: undefined, line: undefined, snippet: tlsConfig, nodes },
          ),
        );
        continue;
      }
      if (tls === undefined) continue; // https, but the certificate was not recorded: nothing to judge it by
      if (tls.daysLeft < 0 || !tls.trusted) {
        const why =
          tls.daysLeft < 0
            ? `expired on ${tls.validTo.slice(0, 10)}`
            : `is not trusted (${tls.error ?? (tls.selfSigned ? 'self-signed' : 'chain does not verify')})`;
        checks.push(check('gap', `${report.registry}: the certificate for ${tls.subject} ${why}`, report.registry, nodes));
        changes.push(
          change(`replace the certificate of ${report.registry} with one issued by a CA the clients trust`, {
            file: undefined,
            line: undefined,
            snippet: tlsConfig,
            nodes,
          }),
        );
      } else if (tls.daysLeft < renewWithinDays) {
        checks.push(
          check('partial', `${report.registry}: the certificate expires on ${tls.validTo.slice(0, 10)} (${tls.daysLeft} days left)`, report.registry, nodes),
        );
        changes.push(
          change(`renew the certificate of ${report.registry} before ${tls.validTo.slice(0, 10)}`, {
            file: undefined,
            line: undefined,
            snippet: `${shellCommand(['openssl', 's_client', '-connect', report.registry.includes(':') ? report.registry : `${report.registry}:443`])} </dev/null | openssl x509 -noout -enddate`,
            nodes,
          }),
        );
      } else {
        checks.push(check('met', `${report.registry}: trusted certificate valid until ${tls.validTo.slice(0, 10)}`, report.registry, nodes));
      }
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'registries', met: 'use TLS with a trusted, current certificate', notMet: 'have TLS problems' },
      'the registry scans recorded no certificate',
    );
  },
};
