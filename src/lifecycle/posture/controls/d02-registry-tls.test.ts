import { describe, expect, it } from 'vitest';
import type { TlsCertificate } from '../../../distribute/model.js';
import { context, estate, registry } from '../test-evidence.js';
import { registryTls } from './d02-registry-tls.js';

function cert(fields: Partial<TlsCertificate>): TlsCertificate {
  return {
    subject: 'CN=r.example',
    issuer: 'CN=Example CA',
    validFrom: '2026-01-01T00:00:00Z',
    validTo: '2027-06-01T00:00:00Z',
    daysLeft: 184,
    trusted: true,
    error: undefined,
    selfSigned: false,
    ...fields,
  };
}

describe('SS-CTL-D02 registry TLS', () => {
  it('is met with a trusted certificate valid for more than 30 days', () => {
    expect(registryTls.evaluate(context(estate({ registries: [registry('r.example', [], { access: { tls: cert({}) } })] }))).status).toBe('met');
  });

  it('is unknown for https without a recorded certificate', () => {
    expect(registryTls.evaluate(context(estate({ registries: [registry('r.example', [])] }))).summary).toBe('the registry scans recorded no certificate');
  });

  it('is partial when the certificate expires within 30 days', () => {
    const outcome = registryTls.evaluate(
      context(estate({ registries: [registry('r.example', [], { access: { tls: cert({ validTo: '2026-12-10T00:00:00Z', daysLeft: 11 }) } })] })),
    );
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]?.text).toContain('expires on 2026-12-10 (11 days left)');
    expect(outcome.changes[0]?.snippet).toContain('openssl s_client -connect r.example:443');
  });

  it('is a gap for plain http, a self-signed or an expired certificate', () => {
    for (const access of [
      { scheme: 'http' as const },
      { tls: cert({ trusted: false, selfSigned: true, error: 'self-signed certificate' }) },
      { tls: cert({ daysLeft: -3, validTo: '2026-11-26T00:00:00Z' }) },
    ]) {
      const outcome = registryTls.evaluate(context(estate({ registries: [registry('r.example:5000', [], { access })] })));
      expect(outcome.status).toBe('gap');
      expect(outcome.evidence[0]?.where).toBe('r.example:5000');
      expect(outcome.changes[0]?.snippet).toContain('tls:');
    }
  });
});
