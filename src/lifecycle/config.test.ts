import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadShipshapeConfig, parseShipshapeConfig } from './config.js';

const full = `
sources: [apps, ../platform]
registries:
  - name: Registry.Example.com:5000/team
    plainHttp: true
    caFile: certs/ca.pem
    key: keys/cosign.pub
    credentialsFrom: { env: { username: REG_USER, password: REG_PASS } }
    allowRealm: [Auth.Example.com:5001]
  - name: ghcr.io
    credentialsFrom: { dockerConfig: docker }
    as: GHCR.example.internal
manifests: [k8s/prod.yaml, "-"]
hostReports: [hosts/node-a.json]
cluster: { context: prod-eu, kubeconfig: kube/config, namespaces: [payments] }
allowedRegistries: [registry.example.com]
gitlab: { registry: Registry.Example.com:5050, projects: { apps/web: Shop/web } }
k8sVersion: v1.29
policy: policy.yaml
scan:
  severity: [CRITICAL, HIGH]
  exitCode: 1
  scanners: [vuln, misconfig]
  ignoreUnfixed: true
  db: osv.sqlite
  cacheDir: /var/cache/shipshape
  parallel: 4
  maxDbAge: 3d
server:
  schedule: "0 */6 * * *"
  advisorySchedule: "30 3 * * *"
  advisories: [osv/debian]
  webhookSecretFrom: { env: HOOK_SECRET }
`;

describe('shipshape.yaml', () => {
  it('reads every key and resolves paths against the config file', () => {
    const config = parseShipshapeConfig(full, '/estate/conf/shipshape.yaml');
    expect(config).toEqual({
      file: '/estate/conf/shipshape.yaml',
      sources: ['/estate/conf/apps', '/estate/platform'],
      registries: [
        {
          name: 'Registry.Example.com:5000/team',
          registry: 'registry.example.com:5000',
          prefix: 'team',
          plainHttp: true,
          insecure: false,
          caFile: '/estate/conf/certs/ca.pem',
          key: '/estate/conf/keys/cosign.pub',
          credentialsFrom: { env: { username: 'REG_USER', password: 'REG_PASS' } },
          allowRealm: ['auth.example.com:5001'],
          as: undefined,
        },
        {
          name: 'ghcr.io',
          registry: 'ghcr.io',
          prefix: undefined,
          plainHttp: false,
          insecure: false,
          caFile: undefined,
          key: undefined,
          credentialsFrom: { dockerConfig: '/estate/conf/docker' },
          allowRealm: [],
          as: 'ghcr.example.internal',
        },
      ],
      manifests: ['/estate/conf/k8s/prod.yaml', '-'],
      hostReports: ['/estate/conf/hosts/node-a.json'],
      cluster: { context: 'prod-eu', kubeconfig: '/estate/conf/kube/config', namespaces: ['payments'] },
      allowedRegistries: ['registry.example.com'],
      gitlab: { registry: 'registry.example.com:5050', projects: { 'apps/web': 'Shop/web' } },
      k8sVersion: 'v1.29',
      policy: '/estate/conf/policy.yaml',
      scan: {
        severity: 'CRITICAL,HIGH',
        exitCode: 1,
        scanners: 'vuln,misconfig',
        ignoreUnfixed: true,
        db: '/estate/conf/osv.sqlite',
        cacheDir: '/var/cache/shipshape',
        parallel: 4,
        maxDbAge: '3d',
      },
      server: {
        schedule: '0 */6 * * *',
        advisorySchedule: '30 3 * * *',
        advisories: ['/estate/conf/osv/debian'],
        webhookSecret: undefined,
        webhookSecretFrom: { env: 'HOOK_SECRET' },
      },
    });
  });

  it('an empty file is an empty estate', () => {
    expect(parseShipshapeConfig('', 'shipshape.yaml')).toMatchObject({ sources: [], registries: [], manifests: [], cluster: undefined });
  });

  it('names the file, the key path and the line of every problem', () => {
    const text = 'sources: [a]\nregistries:\n  - name: registry.example.com\n    plainHtp: true\n  - name: "https://x"\ncluster: { context: 3 }\n';
    let message = '';
    try {
      parseShipshapeConfig(text, 'conf/shipshape.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/conf\/shipshape\.yaml:3: registries\[0\]: Unrecognized key: "plainHtp"/);
    expect(message).toMatch(/conf\/shipshape\.yaml:5: registries\[1\]\.name: a registry host/);
    expect(message).toMatch(/conf\/shipshape\.yaml:6: cluster\.context: /);
  });

  it('rejects bad credentials sources, bad YAML and a config that is not a mapping', () => {
    expect(() => parseShipshapeConfig('registries: [{ name: r.example, credentialsFrom: { password: x } }]', 's.yaml')).toThrow(
      /registries\[0\]\.credentialsFrom: either/,
    );
    expect(() => parseShipshapeConfig('registries: [{ name: r.example, allowRealm: ["https://auth.example/token"] }]', 's.yaml')).toThrow(
      /registries\[0\]\.allowRealm\[0\]: the host\[:port\] of a token service/,
    );
    expect(() => parseShipshapeConfig('sources: [a\n', 's.yaml')).toThrow(/s\.yaml:\d+: invalid YAML/);
    expect(() => parseShipshapeConfig('- a\n- b\n', 's.yaml')).toThrow(/s\.yaml:1: \(top level\)/);
    expect(() => parseShipshapeConfig('gitlab: { registry: "https://r.example", projects: { web: web } }', 's.yaml')).toThrow(
      /gitlab\.registry: the container registry[\s\S]*gitlab\.projects\.web: a GitLab project path/,
    );
  });

  it('refuses a "billion laughs" of aliases as invalid YAML, a usage error rather than a crash', () => {
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefg'.split('').map((name, i) => `${name}: &${name} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`),
    ].join('\n');
    expect(() => parseShipshapeConfig(`${laughs}\n`, 's.yaml')).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringMatching(/^s\.yaml: invalid YAML: .*alias/i) }),
    );
  });

  it('reads the file from disk and says when it is missing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-config-'));
    await writeFile(path.join(dir, 'shipshape.yaml'), 'sources: [src]\n');
    expect((await loadShipshapeConfig(path.join(dir, 'shipshape.yaml'))).sources).toEqual([path.join(dir, 'src')]);
    await expect(loadShipshapeConfig(path.join(dir, 'nope.yaml'))).rejects.toThrow(/cannot read the config/);
    await rm(dir, { recursive: true, force: true });
  });
});
