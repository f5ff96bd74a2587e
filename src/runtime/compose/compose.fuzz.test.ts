import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bounded, checkNoMaskedCrash, checkOutputBound, fuzz, preview, Reach } from '../../test-support/fuzz.js';
import { mutatedJson, mutatedText } from '../../test-support/fuzz-mutate.js';
import { checkCompose } from './check.js';

// Compose files: the project's example and files written from the Compose Specification's service
// fields (with anchors and merge keys), damaged as values and as YAML text.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const example = readFileSync(path.join(root, 'test/compose/docker-compose.yml'), 'utf8');

const service = fc.record(
  {
    image: fc.constantFrom('nginx', 'registry.example/app:1.2', 'redis:latest', '', 'x@sha256:' + 'a'.repeat(64)),
    user: fc.constantFrom('root', '0', '1000:1000', ''),
    privileged: fc.boolean(),
    network_mode: fc.constantFrom('host', 'bridge', 'service:db'),
    pid: fc.constantFrom('host', ''),
    ipc: fc.constantFrom('host', 'shareable'),
    cap_add: fc.constantFrom(['ALL'], ['NET_ADMIN', 'SYS_ADMIN'], []),
    security_opt: fc.constantFrom(['no-new-privileges:true'], ['seccomp:unconfined', 'apparmor=unconfined'], []),
    ports: fc.array(
      fc.oneof(
        fc.constantFrom('80:80', '127.0.0.1:8080:8080', '22', '[::1]:53:53/udp', '0.0.0.0:1-65535:1-65535'),
        fc.record({ target: fc.constant(80), published: fc.constantFrom(80, '8080'), host_ip: fc.constantFrom('0.0.0.0', '127.0.0.1') }),
      ),
      { maxLength: 3 },
    ),
    volumes: fc.array(
      fc.oneof(
        fc.constantFrom('/var/run/docker.sock:/var/run/docker.sock', '/:/host:ro', 'data:/data'),
        fc.record({ type: fc.constant('bind'), source: fc.constantFrom('/', '/etc'), target: fc.constant('/x') }),
      ),
      { maxLength: 2 },
    ),
    environment: fc.oneof(
      fc.dictionary(fc.constantFrom('DB_PASSWORD', 'API_TOKEN', 'MODE'), fc.constantFrom('s3cr3t', '', '${SECRET}')),
      fc.constantFrom(['DB_PASSWORD=x', 'A']),
    ),
    mem_limit: fc.constantFrom('256m', '1e9', 0, '-1'),
    pids_limit: fc.constantFrom(100, -1, '0'),
    read_only: fc.boolean(),
    deploy: fc.record({ resources: fc.record({ limits: fc.record({ memory: fc.constantFrom('1G', 'x'), pids: fc.constant(10) }) }) }),
  },
  { requiredKeys: [] },
);
const compose = fc.record({
  version: fc.constantFrom('3.8', '2', undefined),
  services: fc.dictionary(fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/), fc.constantFrom('__proto__', 'constructor')), service, { maxKeys: 4 }),
});

const files = mutatedText(
  fc.oneof(
    fc.constant(example),
    compose.map((value) => stringify(value)),
    compose.map(
      (value) =>
        `x-defaults: &defaults\n${stringify({ privileged: true, cap_add: ['ALL'] }).replace(/^/gm, '  ')}\n${stringify(value).replace(/^services:\n(\s+\S+:\n)/m, 'services:\n$1    <<: *defaults\n')}`,
    ),
    // JSON is YAML; the yaml package's writer recurses on the deep values damage puts in
    mutatedJson(compose).map((value) => JSON.stringify(value) ?? 'null'),
  ),
  {
    tokens: [
      '&a ',
      '*a',
      '<<: *a\n',
      '<<: [*a, *a]\n',
      '!!binary ',
      '!!set ',
      '? ',
      '---\n',
      'services:\n',
      '  x:\n    image: y\n',
      'privileged: true',
      'network_mode: host',
      '${X:-y}',
      '0o777',
    ],
    others: [example],
  },
);

describe('fuzz: compose files', () => {
  it('loading and every compose rule never throw; a rule never fails on a service; unreadable input is an error', async () => {
    const reach = new Reach();
    await fuzz(
      'compose',
      files,
      (text) => {
        const result = bounded('never-throws', () => checkCompose('docker-compose.yml', text));
        reach.input((result?.findings.length ?? 0) > 0 && 'findings');
        if (!result) return;
        expect(result.diagnostics.filter((d) => d.code === 'compose.rule-failed')).toEqual([]);
        const stackExhausted = /Maximum call stack size exceeded/;
        for (const diagnostic of result.diagnostics) if (stackExhausted.test(diagnostic.message)) expect(diagnostic.level).toBe('error');
        checkNoMaskedCrash(
          result.diagnostics.map((d) => d.message),
          stackExhausted,
        );
        checkOutputBound(result.findings, text.length, 200);
      },
      { describe: (text) => preview(text, 3000) },
    );
    reach.expect('findings', 0.15);
  });
});
