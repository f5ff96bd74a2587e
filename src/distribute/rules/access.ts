import type { RegistryRule } from './rule.js';
import { nist } from './rule.js';

const registryTarget = { repository: undefined, tag: undefined, digest: undefined };

export const plainHttp: RegistryRule = {
  meta: {
    id: 'SS-REG-001',
    title: 'Registry served over plain HTTP',
    severity: 'HIGH',
    rationale: 'Without TLS, credentials and images travel unprotected: anyone on the path can read tokens or swap layers.',
    remediation: 'Serve the registry over HTTPS with a certificate clients trust, and remove it from insecure-registries lists.',
    references: [nist('4.2.1', 'Insecure connections to registries'), 'CIS Docker Benchmark 2.5'],
  },
  check: ({ report }) => (report.access.scheme === 'http' ? [{ message: `${report.registry} is reached over plain HTTP`, target: registryTarget }] : []),
};

export const anonymousPull: RegistryRule = {
  meta: {
    id: 'SS-REG-002',
    title: 'Anonymous pull allowed',
    severity: 'MEDIUM',
    rationale: 'Images often carry proprietary code, internal hostnames and, by mistake, secrets; anyone who reaches the registry can read them.',
    remediation: 'Require authentication for pulls (token or basic auth) and give pull rights per repository to the identities that deploy.',
    references: [nist('4.2.3', 'Insufficient authentication and authorization restrictions')],
  },
  check: ({ report }) =>
    report.access.anonymousPull === true ? [{ message: `images in ${report.registry} can be pulled without credentials`, target: registryTarget }] : [],
};

export const anonymousCatalog: RegistryRule = {
  meta: {
    id: 'SS-REG-003',
    title: 'Repository catalog listable without credentials',
    severity: 'LOW',
    rationale: 'An open catalog tells an attacker every repository name to try.',
    remediation: 'Require authentication for /v2/_catalog, or disable the catalog endpoint.',
    references: [nist('4.2.3', 'Insufficient authentication and authorization restrictions')],
  },
  check: ({ report }) =>
    report.access.anonymousCatalog === true ? [{ message: `the catalog of ${report.registry} can be listed without credentials`, target: registryTarget }] : [],
};

export const untrustedCertificate: RegistryRule = {
  meta: {
    id: 'SS-REG-004',
    title: 'Registry TLS certificate not trusted',
    severity: 'HIGH',
    rationale: 'Clients that cannot verify the certificate are configured to skip verification, which lets a man in the middle serve any image.',
    remediation: 'Use a certificate from a CA the clients trust (or distribute the internal CA to them) instead of insecure-registry settings.',
    references: [nist('4.2.1', 'Insecure connections to registries')],
  },
  check: ({ report }) => {
    const tls = report.access.tls;
    if (!tls || tls.trusted) return [];
    return [
      {
        message: `the certificate of ${report.registry} (${tls.subject}, issued by ${tls.issuer}) is not trusted: ${tls.error ?? (tls.selfSigned ? 'self-signed' : 'unknown reason')}`,
        target: registryTarget,
      },
    ];
  },
};

export const certificateExpiry: RegistryRule = {
  meta: {
    id: 'SS-REG-005',
    title: 'Registry TLS certificate expired or expiring within 30 days',
    severity: 'MEDIUM',
    rationale: 'An expired certificate breaks pulls, and the usual quick fix is to turn verification off.',
    remediation: 'Renew the certificate before it expires; automate renewal.',
    references: [nist('4.2.1', 'Insecure connections to registries')],
  },
  check: ({ report }) => {
    const tls = report.access.tls;
    if (!tls || tls.daysLeft > 30) return [];
    const message =
      tls.daysLeft < 0
        ? `the certificate of ${report.registry} expired on ${tls.validTo}`
        : `the certificate of ${report.registry} expires on ${tls.validTo} (${tls.daysLeft} days)`;
    // the certificate (by its end date), not the days left: the same certificate is the same finding
    return [{ message, target: registryTarget, severity: tls.daysLeft < 0 ? 'HIGH' : 'MEDIUM', identity: [tls.validTo] }];
  },
};
