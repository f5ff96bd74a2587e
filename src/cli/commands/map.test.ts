import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleMap } from '../../lifecycle/model.js';
import { digests, registryReport } from '../../lifecycle/test-estate.js';
import { runCli } from '../../test-support/cli.js';

let dir: string;

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-map-cli-'));
  const files: Record<string, string> = {
    'src/api/.git/HEAD': 'ref: refs/heads/main\n',
    'src/api/Dockerfile': 'FROM alpine:3.20\nUSER 1000\n',
    'src/api/Jenkinsfile':
      "pipeline { agent any\n stages { stage('b') { steps {\n sh 'docker build -t registry.example.com/team/api:1.0 .'\n sh 'docker push registry.example.com/team/api:1.0'\n } } } }\n",
    'k8s/prod.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api, namespace: prod }\nspec: { template: { spec: { containers: [ { name: api, image: "registry.example.com/team/api:1.0@${digests.apiStaging}" } ] } } }\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: cache, namespace: prod }\nspec: { containers: [ { name: redis, image: "redis:7" } ] }\n`,
    'reports/registry.json': JSON.stringify(
      registryReport('registry.example.com', [
        {
          name: 'team/api',
          tags: [{ tag: '1.0', digest: digests.apiProdTagged, mediaType: 'm', movedFrom: undefined }],
          images: [{ digest: digests.apiProdTagged, mediaType: 'm', tags: ['1.0'], platforms: [], signatures: [], attestations: [] }],
        },
      ]),
    ),
    'shipshape.yaml': 'sources: [src]\nmanifests: [k8s/prod.yaml]\n',
    'bad.yaml': 'sources: [src]\nmanifest: [k8s]\n',
    'not-a-report.json': '{"registry": 1}',
  };
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
});

const inputs = () => ['--source', path.join(dir, 'src'), '--manifests', path.join(dir, 'k8s'), '--registry-report', path.join(dir, 'reports/registry.json')];

describe('shipshape map', () => {
  it('prints the map as JSON with the build, registry and run joined, and the breaks', async () => {
    const { code, stdout, stderr } = await runCli(['map', ...inputs(), '-f', 'json']);
    expect([code, stderr]).toEqual([0, '']);
    const map = JSON.parse(stdout) as LifecycleMap;
    expect(map.schema).toBe('shipshape/lifecycle-map@1');
    const lines = map.edges
      .filter((e) => ['uses', 'builds', 'pushes-to', 'pulled-from', 'stored-in'].includes(e.kind))
      .map((e) => `${e.kind} ${e.from} -> ${e.to}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'uses pipeline:jenkins:api/Jenkinsfile -> dockerfile:api/Dockerfile',
        'pushes-to pipeline:jenkins:api/Jenkinsfile -> image:registry.example.com/team/api',
        'pulled-from workload:prod/Deployment/api -> image:registry.example.com/team/api',
        'stored-in image:registry.example.com/team/api -> registry:registry.example.com',
      ]),
    );
    expect(map.findings.map((f) => [f.ruleId, path.basename(f.location.file ?? ''), f.location.startLine])).toEqual([
      ['SS-MAP-002', 'prod.yaml', 9],
      ['SS-MAP-004', 'Dockerfile', 1],
      ['SS-MAP-005', 'prod.yaml', 4],
    ]);
  });

  it('draws Mermaid and DOT, and writes the table to a file with -o', async () => {
    expect((await runCli(['map', ...inputs(), '-f', 'mermaid'])).stdout).toMatch(/^flowchart LR\n {2}subgraph stage_source\["Source"\]/);
    expect((await runCli(['map', ...inputs(), '-f', 'dot'])).stdout).toMatch(/^digraph lifecycle \{\n {2}rankdir=LR;/);
    const out = path.join(dir, 'map.txt');
    expect((await runCli(['map', ...inputs(), '-o', out])).code).toBe(0);
    expect(await readFile(out, 'utf8')).toMatch(
      /^Lifecycle map: 1 repositories, 1 pipelines, 1 Dockerfiles, 3 images in 2 registries, 2 workloads on 1 clusters, 0 nodes; 3 breaks, 0 unknowns\n/,
    );
  });

  it('reads a shipshape.yaml, paths relative to it', async () => {
    const { code, stdout } = await runCli(['map', '--config', path.join(dir, 'shipshape.yaml'), '-f', 'json']);
    expect(code).toBe(0);
    const map = JSON.parse(stdout) as LifecycleMap;
    expect(map.inputs).toEqual({
      sources: [path.join(dir, 'src')],
      registries: [],
      unscannedRegistries: [],
      workloads: [path.join(dir, 'k8s/prod.yaml')],
      config: path.join(dir, 'shipshape.yaml'),
    });
  });

  it('reads the shipshape.yaml of the working directory unless --config names another or --no-config is given, and says which it read', async () => {
    const found = await runCli(['map', '-f', 'json'], { cwd: dir });
    expect([found.code, found.stderr]).toEqual([0, '']);
    expect((JSON.parse(found.stdout) as LifecycleMap).inputs).toMatchObject({
      sources: [path.join(dir, 'src')],
      workloads: [path.join(dir, 'k8s/prod.yaml')],
      config: path.join(dir, 'shipshape.yaml'),
    });
    const other = path.join(dir, 'other', 'shipshape.yaml');
    await mkdir(path.dirname(other), { recursive: true });
    await writeFile(other, 'manifests: [../k8s/prod.yaml]\n');
    const overridden = JSON.parse((await runCli(['map', '--config', other, '-f', 'json'], { cwd: dir })).stdout) as LifecycleMap;
    expect(overridden.inputs).toMatchObject({ sources: [], config: other });
    const flagsOnly = JSON.parse((await runCli(['map', '--no-config', '--source', path.join(dir, 'src'), '-f', 'json'], { cwd: dir })).stdout) as LifecycleMap;
    expect(flagsOnly.inputs).toMatchObject({ sources: [path.join(dir, 'src')], workloads: [], config: null });
    expect((await runCli(['map', '--no-config'], { cwd: dir })).stderr).toMatch(/^shipshape: error: nothing to map\n/);
  });

  it('reads manifests from standard input with --manifests -', async () => {
    const stdin = 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [ { name: c, image: "nginx:1.27" } ] }\n';
    const { code, stdout } = await runCli(['map', '--manifests', '-', '-f', 'json'], { stdin });
    expect(code).toBe(0);
    const map = JSON.parse(stdout) as LifecycleMap;
    expect(map.edges.filter((e) => e.kind === 'pulled-from').map((e) => [e.from, e.to, e.attributes.where])).toEqual([
      ['workload:default/Pod/p', 'image:docker.io/library/nginx', '(stdin):4'],
    ]);
  });

  it('exits 2 with a clear message on bad input', async () => {
    const none = await runCli(['map'], { cwd: path.join(dir, 'src') });
    expect([none.code, none.stderr]).toEqual([
      2,
      'shipshape: error: nothing to map\n  hint: run it where shipshape.yaml is, or give --config FILE, --source DIR, --registry-report FILE, --manifests PATH, --host-report FILE, --cluster\n',
    ]);
    const bad = await runCli(['map', '--config', path.join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${path.join(dir, 'bad.yaml')}:1: (top level): Unrecognized key: "manifest"`);
    const report = await runCli(['map', '--registry-report', path.join(dir, 'not-a-report.json')]);
    expect([report.code, report.stderr]).toEqual([2, expect.stringMatching(/not-a-report\.json is not a registry scan report: schema: /)]);
    expect((await runCli(['map', '--source', path.join(dir, 'nope')])).stderr).toMatch(/source .*nope: no such directory/);
    expect((await runCli(['map', ...inputs(), '-f', 'svg'])).code).toBe(2);
  });
});

describe('shipshape trace', () => {
  it('traces a workload back to its pipeline, Dockerfile and parent image', async () => {
    const { code, stdout } = await runCli(['trace', 'api', ...inputs(), '-f', 'json']);
    expect(code).toBe(0);
    const trace = JSON.parse(stdout) as { start: { id: string }; upstream: { node: { id: string } }[][] };
    expect(trace.start.id).toBe('workload:prod/Deployment/api');
    expect(trace.upstream.map((p) => p.map((h) => h.node.id))).toEqual([
      [
        'image:registry.example.com/team/api',
        'registry:registry.example.com',
        'pipeline:jenkins:api/Jenkinsfile',
        'dockerfile:api/Dockerfile',
        'image:docker.io/library/alpine',
        'registry:docker.io',
      ],
    ]);
    const table = await runCli(['trace', 'registry.example.com/team/api:1.0', ...inputs()]);
    expect(table.stdout).toMatch(/^Trace of registry\.example\.com\/team\/api:1\.0: image:registry\.example\.com\/team\/api\n/);
  });

  it('an unknown workload or image is exit 2 with candidates', async () => {
    const { code, stderr } = await runCli(['trace', 'payments', ...inputs()]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/nothing on the map matches "payments"\n {2}hint: for example: /);
  });
});
