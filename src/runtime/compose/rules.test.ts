import { dedent } from '../../test-support/text.js';
import { describe, expect, it } from 'vitest';
import { checkCompose } from './check.js';
import { hostIpOf } from './rules/ports-all-interfaces.js';

const ids = (text: string, id: string): { line: number | undefined; message: string }[] =>
  checkCompose('c.yml', text)
    .findings.filter((f) => f.ruleId === id)
    .map((f) => ({ line: f.location.startLine, message: f.message }));

describe('compose rules', () => {
  it('finds runtime sockets in short and long volume syntax, at the volume entry', () => {
    const text = [
      'services:', // 1
      '  a:', // 2
      '    image: x:1', // 3
      '    volumes:', // 4
      '      - data:/data', // 5
      '      - /var/run/docker.sock:/var/run/docker.sock:ro', // 6
      '      - type: bind', // 7
      '        source: /run/crio/crio.sock', // 8
      '        target: /crio.sock', // 9
      '      - //var/run/docker.sock:/d.sock', // 10
      '      - /var/run/docker.sock', // 11: an anonymous volume at that container path
      '      - type: volume', // 12
      '        source: docker.sock', // 13
      '        target: /x', // 14
      '      - /run/podman/podman.sock:/p.sock', // 15
    ].join('\n');
    expect(ids(text, 'SS-CMP-006').map((f) => f.line)).toEqual([6, 7, 10, 15]);
  });

  it('reads port host IPs in every short and long form', () => {
    expect(hostIpOf('8080:80')).toBe('');
    expect(hostIpOf(3000)).toBe('');
    expect(hostIpOf('127.0.0.1:8080:80/udp')).toBe('127.0.0.1');
    expect(hostIpOf('127.0.0.1::5000')).toBe('127.0.0.1');
    expect(hostIpOf('0.0.0.0:443:443')).toBe('0.0.0.0');
    expect(hostIpOf('[::1]:6001:6001')).toBe('[::1]');
    expect(hostIpOf('::1:6000:6000')).toBe('::1');
    expect(hostIpOf('9090-9091:8080-8081')).toBe('');
    expect(hostIpOf({ target: 80, host_ip: '10.0.0.5' })).toBe('10.0.0.5');
    expect(hostIpOf({ target: 80 })).toBe('');
    expect(hostIpOf({ published: 80 })).toBeUndefined();
    expect(hostIpOf(null)).toBeUndefined();
    const text = 'services:\n  a:\n    image: x:1\n    ports:\n      - "127.0.0.1:80:80"\n      - "${BIND:-127.0.0.1}:81:81"\n      - "8443:443"\n';
    expect(ids(text, 'SS-CMP-007')).toEqual([{ line: 7, message: 'service "a": publishes port "8443:443" on all host interfaces' }]);
  });

  it('flags literal secrets in map and list syntax, masked, never the full value', () => {
    const secret = 'S3cr3tValue-9f8e7d6c';
    const text = [
      'services:', // 1
      '  a:', // 2
      '    image: x:1', // 3
      '    environment:', // 4
      `      DB_PASSWORD: "${secret}"`, // 5
      '      API_KEY: ${API_KEY}', // 6
      '      HOME: /root', // 7
      '  b:', // 8
      '    image: x:1', // 9
      '    environment:', // 10
      '      - LOG=1', // 11
      `      - AWS_SECRET_ACCESS_KEY=${secret}`, // 12
      '      - SESSION_SECRET', // 13
      '      - APP_TOKEN=changeme$${x}', // 14: `$$` is a literal dollar
    ].join('\n');
    const result = checkCompose('c.yml', text);
    const found = result.findings.filter((f) => f.ruleId === 'SS-CMP-014');
    expect(found.map((f) => [f.location.startLine, f.message])).toEqual([
      [5, 'service "a": DB_PASSWORD has a literal value (S3cr****)'],
      [12, 'service "b": AWS_SECRET_ACCESS_KEY has a literal value (S3cr****)'],
      [14, 'service "b": APP_TOKEN has a literal value (cha****)'],
    ]);
    const serialised = JSON.stringify(result);
    expect(serialised).not.toContain(secret);
    expect(serialised).not.toContain('S3cr3');
    // short secrets show less than 4 characters
    expect(ids('services:\n  a:\n    environment: ["PASS=abcdef"]\n', 'SS-CMP-014')[0]?.message).toBe('service "a": PASS has a literal value (a****)');
  });

  it('locates findings from merge keys at the anchor, and missing fields at the service', () => {
    const text = [
      'x-insecure: &insecure', // 1
      '  privileged: true', // 2
      '  cap_add: [SYS_ADMIN, CHOWN]', // 3
      'services:', // 4
      '  a:', // 5
      '    <<: *insecure', // 6
      '    image: x:1', // 7
      '  b:', // 8
      '    <<: *insecure', // 9
      '    privileged: false', // 10
      '    image: x:1', // 11
    ].join('\n');
    const { findings } = checkCompose('c.yml', text);
    const at = (id: string): [number | undefined, string][] => findings.filter((f) => f.ruleId === id).map((f) => [f.location.startLine, f.message]);
    expect(at('SS-CMP-001')).toEqual([[2, 'service "a": runs privileged: full access to the host']]);
    expect(at('SS-CMP-002')).toEqual([
      [3, 'service "a": adds capability SYS_ADMIN'],
      [3, 'service "b": adds capability SYS_ADMIN'],
    ]);
    expect(at('SS-CMP-008')).toEqual([
      [5, 'service "a": root filesystem is writable (no `read_only: true`)'],
      [8, 'service "b": root filesystem is writable (no `read_only: true`)'],
    ]);
    // fingerprints differ between services sharing the anchor
    const caps = findings.filter((f) => f.ruleId === 'SS-CMP-002').map((f) => f.fingerprint);
    expect(new Set(caps).size).toBe(2);
  });

  it('tolerates wrong field types without findings or crashes', () => {
    const text = dedent`
        services:
          a:
            image: [x]
            cap_add: {a: 1}
            ports: {x: 1}
            volumes: 7
            environment: 5
            user: {}
            security_opt: 3
      `;
    const { diagnostics, findings } = checkCompose('c.yml', text);
    expect(diagnostics).toEqual([]);
    expect(findings.map((f) => f.ruleId).sort()).toEqual(['SS-CMP-008', 'SS-CMP-009', 'SS-CMP-010', 'SS-CMP-011', 'SS-CMP-012']);
  });

  it('keeps fingerprints stable when lines move', () => {
    const a = checkCompose('c.yml', 'services:\n  a:\n    image: x\n    privileged: true\n').findings;
    const b = checkCompose('c.yml', '# comment\n\nservices:\n  a:\n    privileged: true\n    image: x\n').findings;
    expect(b.map((f) => f.fingerprint).sort()).toEqual(a.map((f) => f.fingerprint).sort());
  });
});
