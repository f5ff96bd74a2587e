import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseShipshapeConfig } from '../lifecycle/config.js';
import type { PodSecurityResult } from '../runtime/pod-security.js';
import type { RuleFinding } from '../rules/rule.js';
import { runCli } from '../test-support/cli.js';

/**
 * The Kustomize base of `deploy/` (server, workers, Redis, PostgreSQL) as Shipshape itself judges
 * it: every workload admitted at the restricted Pod Security Standard, no workload rule finding
 * above LOW, and nothing applied that `k8s check` did not see.
 */

const deploy = fileURLToPath(new URL('../../deploy/kustomize/', import.meta.url));
const base = path.join(deploy, 'base');

/** LOW findings the base keeps on purpose: its images are tags, to be pinned by digest in an overlay (README). */
const acceptedLow = new Set(['SS-K8S-001', 'SS-K8S-014']);

interface Report {
  results: PodSecurityResult[];
  findings: RuleFinding[];
  summary: { objects: number; allowed: number; denied: number };
  diagnostics: unknown[];
}

type Json = Record<string, unknown>;

function yamlFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** The documents of a file, parsed strictly (unique keys; any error or warning fails). */
function documentsOf(file: string): Json[] {
  return parseAllDocuments(readFileSync(file, 'utf8'), { uniqueKeys: true, prettyErrors: true }).map((document) => {
    expect([...document.errors, ...document.warnings].map((problem) => `${file}: ${problem.message}`)).toEqual([]);
    return document.toJS({ maxAliasCount: 0 }) as Json;
  });
}

const baseObjects = yamlFiles(base)
  .filter((file) => path.basename(file) !== 'kustomization.yaml')
  .flatMap(documentsOf);

async function check(args: string[]): Promise<Report> {
  const { code, stdout, stderr } = await runCli(['k8s', 'check', base, '-f', 'json', '-q', ...args]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout) as Report;
}

/** The pod templates of the base's workloads, with their kind/name. */
function podSpecs(): { name: string; spec: Json }[] {
  return baseObjects.flatMap((object) => {
    const template = (object.spec as Json | undefined)?.template as Json | undefined;
    const spec = template?.spec as Json | undefined;
    return spec === undefined ? [] : [{ name: `${String(object.kind)}/${String((object.metadata as Json).name)}`, spec }];
  });
}

describe('deploy/kustomize', () => {
  it('parses: every YAML file, with unique keys and no aliases', () => {
    const files = yamlFiles(deploy);
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) documentsOf(file);
  });

  it("the base's kustomization lists exactly the files of its folder, and only resources", () => {
    const [kustomization] = documentsOf(path.join(base, 'kustomization.yaml'));
    // namespace:, labels:, patches… would change what is applied without `k8s check` seeing it
    expect(Object.keys(kustomization ?? {}).sort()).toEqual(['apiVersion', 'kind', 'resources']);
    const inFolder = readdirSync(base)
      .filter((name) => name !== 'kustomization.yaml')
      .sort();
    expect([...(kustomization?.resources as string[])].sort()).toEqual(inFolder);
  });

  it('has no CronJob anywhere: the server schedules', () => {
    for (const file of yamlFiles(deploy)) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/kind:\s*["']?CronJob/);
      for (const object of documentsOf(file)) expect(object?.kind, file).not.toBe('CronJob');
    }
  });

  it('every namespaced object is in the shipshape namespace, which enforces restricted', () => {
    for (const object of baseObjects) {
      const metadata = object.metadata as Json;
      if (object.kind === 'Namespace') {
        expect(metadata.labels).toMatchObject({
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        });
      } else expect(metadata.namespace, `${String(object.kind)}/${String(metadata.name)}`).toBe('shipshape');
    }
  });

  it('shipshape k8s check --level restricted: every workload allowed, no finding above LOW', async () => {
    const report = await check(['--level', 'restricted']);
    expect(report.diagnostics).toEqual([]);
    expect(report.results.map((r) => `${r.kind}/${r.name}`).sort()).toEqual([
      'Deployment/shipshape-server',
      'Deployment/shipshape-worker',
      'StatefulSet/postgres',
      'StatefulSet/redis',
    ]);
    const denied = report.results.filter((r) => !r.allowed).map((r) => `${r.kind}/${r.name}: ${r.violations.map((v) => `${v.check}: ${v.reason}`).join('; ')}`);
    expect(denied, 'denied at restricted').toEqual([]);
    const unexpected = report.findings
      .filter((f) => f.severity !== 'LOW' || !acceptedLow.has(f.ruleId))
      .map((f) => `${f.severity} ${f.ruleId} ${f.location.file}:${f.location.startLine ?? ''} ${f.message}`);
    expect(unexpected, 'findings above LOW, or LOW findings other than the image-pinning reminders').toEqual([]);
  });

  it("without --level, the namespace's enforce label puts every workload at restricted", async () => {
    const report = await check([]);
    expect(report.results.map((r) => [r.name, r.level, r.allowed, r.policySource])).toEqual(
      report.results.map((r) => [r.name, 'restricted', true, 'namespace shipshape enforce label']),
    );
  });

  it('every pod has its own service account without a token, and every Secret, ConfigMap and $(VAR) it uses exists', () => {
    const secrets = new Map(baseObjects.filter((o) => o.kind === 'Secret').map((o) => [(o.metadata as Json).name, o.stringData as Json]));
    const configMaps = new Set(baseObjects.filter((o) => o.kind === 'ConfigMap').map((o) => (o.metadata as Json).name));
    const accounts = new Map(baseObjects.filter((o) => o.kind === 'ServiceAccount').map((o) => [(o.metadata as Json).name, o.automountServiceAccountToken]));
    const pods = podSpecs();
    expect(pods).toHaveLength(4);
    for (const { name, spec } of pods) {
      expect(spec.automountServiceAccountToken, name).toBe(false);
      expect(accounts.get(spec.serviceAccountName), name).toBe(false);
      for (const volume of (spec.volumes ?? []) as Json[]) {
        if (volume.configMap !== undefined) expect(configMaps.has((volume.configMap as Json).name), name).toBe(true);
        if (volume.secret !== undefined) expect(secrets.has((volume.secret as Json).secretName), name).toBe(true);
      }
      for (const container of spec.containers as Json[]) {
        const env = (container.env ?? []) as Json[];
        for (const entry of env) {
          const ref = (entry.valueFrom as Json | undefined)?.secretKeyRef as Json | undefined;
          if (ref !== undefined) expect(secrets.get(ref.name)?.[ref.key as string], `${name} ${String(entry.name)}`).toBeTypeOf('string');
        }
        const defined = new Set(env.map((entry) => entry.name));
        for (const [, variable] of ((container.args ?? []) as string[]).join(' ').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g))
          expect(defined.has(variable), `${name} uses $(${variable})`).toBe(true);
      }
    }
  });

  it("the ConfigMap's shipshape.yaml is a valid config with a schedule and the webhook secret from the environment", () => {
    const configMap = baseObjects.find((o) => o.kind === 'ConfigMap' && (o.metadata as Json).name === 'shipshape-config');
    const config = parseShipshapeConfig((configMap?.data as Json)['shipshape.yaml'] as string, '/etc/shipshape/shipshape.yaml');
    expect(config.server.schedule).toBe('0 */6 * * *');
    expect(config.server.webhookSecretFrom).toEqual({ env: 'SHIPSHAPE_WEBHOOK_SECRET' });
    const server = podSpecs().find((p) => p.name === 'Deployment/shipshape-server');
    const env = ((server?.spec.containers as Json[])[0]?.env ?? []) as Json[];
    expect(env.map((e) => e.name)).toContain('SHIPSHAPE_WEBHOOK_SECRET');
  });

  it('the workers scale on shipshape_queue_depth', () => {
    const hpa = baseObjects.find((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpa).toMatchObject({
      apiVersion: 'autoscaling/v2',
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'shipshape-worker' },
        minReplicas: 1,
        maxReplicas: 20,
        metrics: [{ type: 'External', external: { metric: { name: 'shipshape_queue_depth' }, target: { type: 'AverageValue' } } }],
      },
    });
  });
});
