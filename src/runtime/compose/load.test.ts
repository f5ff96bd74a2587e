import { dedent } from '../../test-support/text.js';
import { describe, expect, it } from 'vitest';
import { loadCompose } from './load.js';

describe('loadCompose', () => {
  it('loads services with their lines, with or without `version:`', () => {
    const text = dedent`
      version: "3.8"
      services:
        web:
          image: nginx:1.27
          ports:
            - "80:80"
        db:
          image: postgres:16
    `;
    const { services, diagnostics } = loadCompose('c.yml', text);
    expect(diagnostics).toEqual([]);
    expect(services.map((s) => [s.name, s.line, s.file])).toEqual([
      ['web', 3, 'c.yml'],
      ['db', 7, 'c.yml'],
    ]);
    const web = services[0];
    expect(web?.lineOf(['image'])).toBe(4);
    expect(web?.lineOf(['ports'])).toBe(5);
    expect(web?.lineOf(['ports', 0])).toBe(6);
    expect(web?.lineOf(['ports', 1])).toBeUndefined();
    expect(web?.lineOf(['missing'])).toBeUndefined();
    expect(loadCompose('c.yml', 'services:\n  a:\n    image: x\n').services[0]?.raw).toEqual({ image: 'x' });
  });

  it('resolves x- extension anchors and merge keys, and points lines at where a field is written', () => {
    const text = [
      'x-defaults: &defaults', // 1
      '  restart: always', // 2
      '  privileged: true', // 3
      'x-env: &env', // 4
      '  TOKEN: abc', // 5
      'services:', // 6
      '  web:', // 7
      '    <<: *defaults', // 8
      '    restart: "no"', // 9
      '    environment:', // 10
      '      <<: *env', // 11
      '      MODE: prod', // 12
      '  worker:', // 13
      '    <<: [*defaults]', // 14
      '    image: w:1', // 15
    ].join('\n');
    const { services, diagnostics } = loadCompose('c.yml', text);
    expect(diagnostics).toEqual([]);
    const [web, worker] = services;
    expect(web?.raw).toEqual({ restart: 'no', privileged: true, environment: { TOKEN: 'abc', MODE: 'prod' } });
    expect(web?.lineOf(['restart'])).toBe(9); // the service's own value wins
    expect(web?.lineOf(['privileged'])).toBe(3);
    expect(web?.lineOf(['environment', 'TOKEN'])).toBe(5);
    expect(web?.lineOf(['environment', 'MODE'])).toBe(12);
    expect(worker?.raw.privileged).toBe(true);
    expect(worker?.lineOf(['privileged'])).toBe(3);
    expect(worker?.lineOf(['image'])).toBe(15);
    expect(services.map((s) => s.name)).toEqual(['web', 'worker']);
  });

  it('follows a service that is itself an alias', () => {
    const text = 'x-base: &base\n  image: a:1\n  pid: host\nservices:\n  one: *base\n';
    const [one] = loadCompose('c.yml', text).services;
    expect(one?.raw).toEqual({ image: 'a:1', pid: 'host' });
    expect(one?.line).toBe(5);
    expect(one?.lineOf(['pid'])).toBe(3);
  });

  it('reports malformed YAML with file and line, never throws', () => {
    const { services, diagnostics } = loadCompose('bad.yml', 'services:\n  web:\n    image: "unterminated\n    ports: [\n');
    expect(services).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ level: 'error', code: 'compose.yaml-error' });
    expect(diagnostics[0]?.where).toMatch(/^bad\.yml:\d+$/);
    const tabs = loadCompose('tab.yml', 'services:\n  web:\n\timage: x\n');
    expect(tabs.diagnostics[0]?.where).toBe('tab.yml:3');
  });

  it('tolerates wrong types and non-compose documents', () => {
    expect(loadCompose('a', '').diagnostics[0]?.code).toBe('compose.empty');
    expect(loadCompose('a', '- 1\n- 2\n').diagnostics[0]?.code).toBe('compose.not-a-mapping');
    expect(loadCompose('a', 'services: [web]\n').diagnostics[0]).toMatchObject({ code: 'compose.not-a-mapping', where: 'a:1' });
    expect(loadCompose('a', 'version: "2"\n').diagnostics[0]?.code).toBe('compose.no-services');
    const mixed = loadCompose('a', 'services:\n  ok:\n    image: x\n  broken: 42\n  empty:\n');
    expect(mixed.services.map((s) => s.name)).toEqual(['ok']);
    expect(mixed.diagnostics.map((d) => [d.code, d.where])).toEqual([
      ['compose.service-not-a-mapping', 'a:4'],
      ['compose.service-not-a-mapping', 'a:5'],
    ]);
  });

  it('bounds alias expansion ("billion laughs")', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      lines.push(
        `${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(10)
          .fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`)
          .join(', ')}]`,
      );
    lines.push('services:\n  web:\n    image: x\n    command: *bbbbbbb');
    const { services, diagnostics } = loadCompose('bomb.yml', lines.join('\n'));
    expect(services).toEqual([]);
    expect(diagnostics[0]?.code).toBe('compose.alias-limit');
  });

  it('refuses input over the size limit', () => {
    expect(loadCompose('big', 'services: {}\n', { maxSourceBytes: 4 }).diagnostics[0]?.code).toBe('compose.too-large');
  });
});
