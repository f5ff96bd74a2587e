import { describe, expect, it } from 'vitest';
import { secretRules } from './registry.js';
import { scanContent } from './scan-file.js';
import type { SecretRule } from './types.js';

const credentials = [
  '# comment',
  '[default]',
  'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
  'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  '',
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAtestonlyFAKEKEYtestonlyFAKEKEY',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

describe('scanContent', () => {
  it('reports rule, 1-based line and column, and the masked secret', () => {
    const matches = scanContent('/root/.aws/credentials', Buffer.from(credentials), secretRules);
    expect(matches.map(({ ruleId, line, column, masked }) => ({ ruleId, line, column, masked }))).toEqual([
      { ruleId: 'SS-SEC-001', line: 3, column: 21, masked: 'AKIA****' },
      { ruleId: 'SS-SEC-002', line: 4, column: 1, masked: 'wJal****' },
      { ruleId: 'SS-SEC-013', line: 6, column: 1, masked: 'MIIE****' },
    ]);
  });

  it('never puts a full secret in its output', () => {
    const secrets = ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'MIIEowIBAAKCAQEAtestonlyFAKEKEYtestonlyFAKEKEY'];
    const output = JSON.stringify(scanContent('/root/.aws/credentials', credentials, secretRules));
    for (const secret of secrets) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(secret.slice(0, 8));
    }
  });

  it('reports a secret once, as the most specific rule, when several rules match it', () => {
    // an AWS secret in an .ini file is also a generic `*secret* = value` setting
    const matches = scanContent('/etc/app/app.ini', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n', secretRules);
    expect(matches.map((m) => m.ruleId)).toEqual(['SS-SEC-002']);
  });

  it('counts lines in bytes-as-latin1 text and re-reads secrets as UTF-8', () => {
    const text = 'é=1\nnote=ü\npassword = pässwörd-12345678\n';
    const [match] = scanContent('/etc/app.conf', Buffer.from(text, 'utf8'), secretRules);
    expect(match).toMatchObject({ ruleId: 'SS-SEC-018', line: 3, column: 1, masked: 'päss****' });
  });

  it('drops allowed values', () => {
    const allowValues = [/EXAMPLE/];
    expect(scanContent('/x', credentials, secretRules, { allowValues }).map((m) => m.ruleId)).toEqual(['SS-SEC-013']);
  });

  it('stops after maxMatches', () => {
    const many = Array.from({ length: 100 }, (_, i) => `AKIA${String(i).padStart(16, '0')}`).join('\n');
    expect(scanContent('/x', many, secretRules, { maxMatches: 5 })).toHaveLength(5);
    expect(scanContent('/x', many, secretRules)).toHaveLength(50);
  });

  it('runs a pattern only when a keyword is in the text', () => {
    const rule: SecretRule = { ...(secretRules[0] as SecretRule), keywords: ['never-there'] };
    expect(scanContent('/x', 'AKIAIOSFODNN7EXAMPLE', [rule])).toEqual([]);
  });

  it('runs only the rules of the requested scope', () => {
    expect(scanContent('/x', 'DB_PASSWORD=hunter22', secretRules)).toEqual([]);
    expect(scanContent('/x', 'DB_PASSWORD=hunter22', secretRules, { scope: 'env' }).map((m) => m.ruleId)).toEqual(['SS-SEC-019']);
  });

  it('does not report commented-out settings, versions or nsswitch databases as passwords', () => {
    expect(scanContent('/etc/ssl/openssl.cnf', '# input_password = secret\n', secretRules)).toEqual([]);
    expect(scanContent('/app/package.json', '{"dependencies": {"pbkdf2-password": "1.2.1"}}', secretRules)).toEqual([]);
    expect(scanContent('/etc/nsswitch.conf', 'passwd:         files\n', secretRules)).toEqual([]);
  });
});
