import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, UsageError } from '../core/errors.js';
import { collectEstate } from './collect.js';
import { buildLifecycleMap } from './map.js';

async function put(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
}

const jenkinsfile = `pipeline {
  agent any
  stages {
    stage('Build') {
      steps {
        sh 'docker build -t registry.example.com/team/api:1.0 .'
        sh 'docker push registry.example.com/team/api:1.0'
      }
    }
  }
}
`;

const workflow = `name: web
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker build -f Containerfile -t registry.example.com/team/web:2.0 .
      - run: docker push registry.example.com/team/web:2.0
`;

const manifests = `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: prod }
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example.com/team/api:1.0
`;

const nodes = `apiVersion: v1
kind: NodeList
items:
  - apiVersion: v1
    kind: Node
    metadata: { name: worker-1, labels: { node.kubernetes.io/instance-type: m6i.large } }
    spec: { providerID: "aws:///eu-west-1a/i-0abc" }
    status: { nodeInfo: { osImage: "Ubuntu 22.04.4 LTS", kernelVersion: 5.15.0, kubeletVersion: v1.29.3, containerRuntimeVersion: "containerd://1.7.2" } }
`;

describe('collectEstate', () => {
  let root: string;
  const others: string[] = [];
  afterAll(async () => {
    for (const dir of [root, ...others]) await rm(dir, { recursive: true, force: true });
  });
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'shipshape-estate-'));
    await put(path.join(root, 'src'), {
      'apps/api/.git/HEAD': 'ref: refs/heads/main\n',
      'apps/api/Dockerfile': 'ARG BASE=alpine:3.20\nFROM golang:1.22 AS build\nRUN go build ./...\nFROM ${BASE}\nCOPY --from=build /out /app\nUSER 1000\n',
      'apps/api/.dockerignore': '.git\n',
      'apps/api/Jenkinsfile': jenkinsfile,
      'apps/web/.git/HEAD': 'ref: refs/heads/main\n',
      'apps/web/Containerfile': 'FROM registry.example.com/mirror/nginx:1.27\n',
      'apps/web/.github/workflows/build.yml': workflow,
      'apps/web/node_modules/pkg/Dockerfile': 'FROM scratch\n',
      'loose/Dockerfile.dev': 'FROM debian:12\n',
      'apps/api/Dockerfile.dockerignore': 'x\n',
    });
    await put(path.join(root, 'k8s'), { 'prod.yaml': manifests, 'nodes/dump.yaml': nodes, 'README.md': '# not a manifest\n' });
  });

  it('finds repositories, Dockerfiles (not in node_modules, not ignore files) and pipelines', async () => {
    const progress: string[] = [];
    const evidence = await collectEstate({ sources: [path.join(root, 'src')], registryReports: [], manifests: [] }, { onProgress: (m) => progress.push(m) });
    expect(evidence.build.repositories).toEqual(['.', 'apps/api', 'apps/web']);
    expect(evidence.build.dockerfiles.map((d) => [d.file, d.repository, d.froms.map((f) => f.resolved)])).toEqual([
      ['apps/api/Dockerfile', 'apps/api', ['golang:1.22', 'alpine:3.20']],
      ['apps/web/Containerfile', 'apps/web', ['registry.example.com/mirror/nginx:1.27']],
      ['loose/Dockerfile.dev', '.', ['debian:12']],
    ]);
    expect(evidence.build.pipelines.map((p) => [p.system, p.file, p.repository])).toEqual([
      ['jenkins', 'apps/api/Jenkinsfile', 'apps/api'],
      ['github-actions', 'apps/web/.github/workflows/build.yml', 'apps/web'],
    ]);
    expect(evidence.run).toBeUndefined();
    expect(progress.at(-1)).toMatch(/3 Dockerfiles, 2 pipelines$/);
  });

  it('reads manifests like k8s check, Node dumps included, and checks the workloads', async () => {
    const evidence = await collectEstate({ sources: [], registryReports: [], manifests: [path.join(root, 'k8s')], k8sVersion: 'v1.29' });
    const run = evidence.run!;
    expect([run.cluster, run.sources]).toEqual(['manifests', [path.join(root, 'k8s')]]);
    expect(run.objects.map((o) => o.kind)).toEqual(['Node', 'Deployment']);
    expect(run.nodes.map((n) => [n.name, n.osImage, n.kubeletVersion, n.cloud?.provider, n.instanceType])).toEqual([
      ['worker-1', 'Ubuntu 22.04.4 LTS', 'v1.29.3', 'aws', 'm6i.large'],
    ]);
    expect(run.images.map((i) => [i.workload, i.registry, i.repository, i.tag])).toEqual([['api', 'registry.example.com', 'team/api', '1.0']]);
    expect(run.podSecurity.map((r) => [r.name, r.level, r.version, r.allowed])).toEqual([['api', 'restricted', 'v1.29', false]]);
    expect(run.findings.length).toBeGreaterThan(0);
  });

  it('joins everything on the map: the Jenkinsfile builds the image the Deployment runs', async () => {
    const evidence = await collectEstate({ sources: [path.join(root, 'src')], registryReports: [], manifests: [path.join(root, 'k8s', 'prod.yaml')] });
    const map = buildLifecycleMap(evidence, new Date());
    const lines = map.edges.filter((e) => ['uses', 'builds', 'pushes-to', 'pulled-from'].includes(e.kind)).map((e) => `${e.kind} ${e.from} -> ${e.to}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'uses pipeline:jenkins:apps/api/Jenkinsfile -> dockerfile:apps/api/Dockerfile',
        'builds dockerfile:apps/api/Dockerfile -> image:registry.example.com/team/api',
        'pushes-to pipeline:jenkins:apps/api/Jenkinsfile -> image:registry.example.com/team/api',
        'uses pipeline:github-actions:apps/web/.github/workflows/build.yml -> dockerfile:apps/web/Containerfile',
        'pulled-from workload:prod/Deployment/api -> image:registry.example.com/team/api',
      ]),
    );
    expect(map.findings.filter((f) => f.ruleId === 'SS-MAP-001')).toEqual([]);
  });

  it("prefixes paths with each root's name when there are several roots", async () => {
    const other = await mkdtemp(path.join(os.tmpdir(), 'shipshape-estate-'));
    others.push(other);
    await put(path.join(other, 'src'), { 'svc/Dockerfile': 'FROM alpine:3.20\n' });
    const evidence = await collectEstate({ sources: [path.join(root, 'src'), path.join(other, 'src')], registryReports: [], manifests: [] });
    expect(evidence.build.dockerfiles.map((d) => [d.file, d.repository])).toEqual([
      ['src/apps/api/Dockerfile', 'src/apps/api'],
      ['src/apps/web/Containerfile', 'src/apps/web'],
      ['src/loose/Dockerfile.dev', 'src'],
      ['src-2/svc/Dockerfile', 'src-2'],
    ]);
    expect(evidence.build.pipelines.map((p) => [p.id.split('#')[0], p.repository, p.steps[0]?.location.file])).toEqual([
      ['jenkins:src/apps/api/Jenkinsfile', 'src/apps/api', 'src/apps/api/Jenkinsfile'],
      ['github-actions:src/apps/web/.github/workflows/build.yml', 'src/apps/web', 'src/apps/web/.github/workflows/build.yml'],
    ]);
    expect(evidence.build.repositories).toEqual(['src', 'src-2', 'src/apps/api', 'src/apps/web']);
  });

  it("gives GitLab pipelines the project the config's gitlab: names for their repository, prefixes included, and says which names no repository has", async () => {
    const other = await mkdtemp(path.join(os.tmpdir(), 'shipshape-estate-'));
    others.push(other);
    const gitlabCi = 'build:\n  script:\n    - docker push "$CI_REGISTRY_IMAGE:1"\n';
    await put(path.join(other, 'src'), {
      'cart/.git/HEAD': 'ref: refs/heads/main\n',
      'cart/.gitlab-ci.yml': gitlabCi,
      'web/.git/HEAD': 'x\n',
      'web/.gitlab-ci.yml': gitlabCi,
    });
    const gitlab = { registry: 'registry.example.com', projects: { 'src-2/cart': 'Shop/Cart', 'src-2/nope': 'shop/nope' } };
    const evidence = await collectEstate({ sources: [path.join(root, 'src'), path.join(other, 'src')], registryReports: [], manifests: [], gitlab });
    const pushes = evidence.build.pipelines
      .filter((p) => p.system === 'gitlab-ci')
      .map((p) => [p.repository, p.steps[0]?.kind === 'push' ? p.steps[0].image.resolved : undefined]);
    // web has no project path: its image stays a named unknown
    expect(pushes).toEqual([
      ['src-2/cart', 'registry.example.com/shop/cart:1'],
      ['src-2/web', '${CI_REGISTRY_IMAGE}:1'],
    ]);
    expect(evidence.diagnostics?.filter((d) => d.code === 'config.gitlab-project').map((d) => d.message)).toEqual([
      expect.stringMatching(/^gitlab\.projects names src-2\/nope, which is not a repository of the sources/),
    ]);
  });

  it('a missing source or manifest is an error; a bad version too', async () => {
    await expect(collectEstate({ sources: [path.join(root, 'nope')], registryReports: [], manifests: [] })).rejects.toThrow(NotFoundError);
    await expect(collectEstate({ sources: [path.join(root, 'k8s', 'prod.yaml')], registryReports: [], manifests: [] })).rejects.toThrow(/is not a directory/);
    await expect(collectEstate({ sources: [], registryReports: [], manifests: [path.join(root, 'none.yaml')] })).rejects.toThrow(NotFoundError);
    await expect(collectEstate({ sources: [], registryReports: [], manifests: ['-'] })).rejects.toThrow(UsageError);
    await expect(collectEstate({ sources: [], registryReports: [], manifests: [], k8sVersion: '1.29' })).rejects.toThrow(/invalid Kubernetes version/);
  });
});
