import { describe, expect, it } from 'vitest';
import { loadManifests } from '../runtime/manifests/load.js';
import { imageReferences } from '../runtime/manifests/images.js';
import { readDockerfile } from './dockerfiles.js';
import type { EstateEvidence } from './estate-model.js';
import { buildLifecycleMap } from './map.js';
import type { LifecycleMap } from './model.js';
import { buildStep, ciValue, digests, messyEstate, pipeline, registryReport } from './test-estate.js';

const now = new Date('2026-01-03T00:00:00Z');

/** `kind from -> to [tag]` per edge: compact enough to assert a whole map exactly. */
function edgeLines(map: LifecycleMap, kinds?: readonly string[]): string[] {
  return map.edges
    .filter((e) => kinds === undefined || kinds.includes(e.kind))
    .map((e) => `${e.kind} ${e.from} -> ${e.to}${e.attributes.tag === undefined ? '' : ` [${String(e.attributes.tag)}]`}`);
}

describe('buildLifecycleMap on a messy estate', () => {
  const map = buildLifecycleMap(messyEstate(), now);

  it('joins Dockerfiles, pipelines, retags across pipelines and a mirror copy into build edges', () => {
    expect(edgeLines(map, ['uses', 'builds', 'pushes-to', 'copied-from'])).toEqual([
      'uses pipeline:jenkins:apps/api/Jenkinsfile -> dockerfile:apps/api/Dockerfile',
      'builds dockerfile:apps/api/Dockerfile -> image:registry.example.com/team/api [${BUILD_NUMBER}]',
      'builds dockerfile:apps/api/Dockerfile -> image:registry.example.com/team/api [1.4.2]',
      'uses pipeline:jenkins:apps/api/Jenkinsfile -> dockerfile:apps/api/Dockerfile.debug',
      'builds dockerfile:apps/api/Dockerfile.debug -> image:registry.example.com/team/api-debug [1.4.2]',
      'pushes-to pipeline:jenkins:apps/api/Jenkinsfile -> image:registry.example.com/team/api-debug [1.4.2]',
      'uses pipeline:github-actions:apps/web/.github/workflows/build.yml -> dockerfile:apps/web/docker/Dockerfile',
      'builds dockerfile:apps/web/docker/Dockerfile -> image:registry.example.com/team/web [2.0]',
      'pushes-to pipeline:github-actions:apps/web/.github/workflows/build.yml -> image:registry.example.com/team/web [2.0]',
      // retagged in the release pipeline: built from the api Dockerfile by the api pipeline
      'builds dockerfile:apps/api/Dockerfile -> image:prod.example.com/payments/api [1.4.2]',
      'copied-from image:prod.example.com/payments/api -> image:registry.example.com/team/api [1.4.2]',
      'pushes-to pipeline:gitlab-ci:platform/release/.gitlab-ci.yml -> image:prod.example.com/payments/api [${CI_COMMIT_TAG}]',
      'pushes-to pipeline:jenkins:tools/mirror/Jenkinsfile -> image:registry.example.com/mirror/nginx [1.27]',
      'copied-from image:registry.example.com/mirror/nginx -> image:docker.io/library/nginx [1.27]',
      'pushes-to pipeline:jenkins:apps/api/Jenkinsfile -> image:registry.example.com/team/api [1.4.2]',
      'pushes-to pipeline:gitlab-ci:platform/release/.gitlab-ci.yml -> image:prod.example.com/payments/api [1.4.2]',
    ]);
    const retag = map.edges.find((e) => e.kind === 'builds' && e.to === 'image:prod.example.com/payments/api');
    expect(retag?.attributes).toEqual({
      tag: '1.4.2',
      pipeline: 'pipeline:jenkins:apps/api/Jenkinsfile',
      via: 'pipeline:gitlab-ci:platform/release/.gitlab-ci.yml',
      where: 'platform/release/.gitlab-ci.yml:7',
    });
  });

  it('draws every FROM that names an image, final chain or not, and no edge for an unresolved one', () => {
    expect(
      map.edges
        .filter((e) => e.kind === 'based-on')
        .map((e) => [e.from, e.to, e.attributes.stage, e.attributes.finalStage, e.attributes.where, e.attributes.certain]),
    ).toEqual([
      ['dockerfile:apps/api/Dockerfile', 'image:docker.io/library/golang', 'build', false, 'apps/api/Dockerfile:2', false],
      ['dockerfile:apps/api/Dockerfile', 'image:gcr.io/distroless/static-debian12', '2', true, 'apps/api/Dockerfile:6', undefined],
      ['dockerfile:apps/api/Dockerfile.debug', 'image:docker.io/library/alpine', '0', true, 'apps/api/Dockerfile.debug:1', undefined],
      ['dockerfile:apps/web/docker/Dockerfile', 'image:registry.example.com/mirror/nginx', '1', true, 'apps/web/docker/Dockerfile:4', undefined],
    ]);
  });

  it('connects workloads, the cluster and its nodes, and every image to its registry', () => {
    expect(edgeLines(map, ['runs', 'pulled-from', 'hosted-on'])).toEqual([
      'runs cluster:manifests -> workload:prod/Deployment/api',
      'pulled-from workload:prod/Deployment/api -> image:prod.example.com/payments/api [1.4.2]',
      'runs cluster:manifests -> workload:prod/Deployment/web',
      'pulled-from workload:prod/Deployment/web -> image:registry.example.com/team/web [2.0]',
      'pulled-from workload:prod/Deployment/web -> image:docker.io/library/redis [7]',
      'runs cluster:manifests -> workload:prod/Deployment/legacy',
      'pulled-from workload:prod/Deployment/legacy -> image:registry.example.com/team/legacy [3]',
      'hosted-on cluster:manifests -> node:ip-10-0-1-5',
    ]);
    const stored = Object.fromEntries(map.edges.filter((e) => e.kind === 'stored-in').map((e) => [e.from, e.to]));
    expect(stored).toEqual({
      'image:docker.io/library/golang': 'registry:docker.io',
      'image:gcr.io/distroless/static-debian12': 'registry:gcr.io',
      'image:docker.io/library/alpine': 'registry:docker.io',
      'image:registry.example.com/mirror/nginx': 'registry:registry.example.com',
      'image:registry.example.com/team/api': 'registry:registry.example.com',
      'image:registry.example.com/team/api-debug': 'registry:registry.example.com',
      'image:registry.example.com/team/web': 'registry:registry.example.com',
      'image:prod.example.com/payments/api': 'registry:prod.example.com',
      'image:docker.io/library/nginx': 'registry:docker.io',
      'image:docker.io/library/redis': 'registry:docker.io',
      'image:registry.example.com/team/legacy': 'registry:registry.example.com',
    });
    expect(map.nodes.find((n) => n.id === 'node:ip-10-0-1-5')?.attributes).toMatchObject({
      osImage: 'Bottlerocket OS 1.20.0',
      kernelVersion: '6.1.90',
      containerRuntimeVersion: 'containerd://1.6.31',
      kubeletVersion: 'v1.29.3',
      cloud: 'aws',
      instanceType: 'm6i.large',
    });
  });

  it('gives each image its role, stage, tags (from the registry scan) and digests', () => {
    const images = Object.fromEntries(map.nodes.filter((n) => n.kind === 'image').map((n) => [n.label, [n.attributes.role, n.stage, n.attributes.public]]));
    expect(images).toEqual({
      'docker.io/library/alpine': ['parent', 'parent-registry', true],
      'docker.io/library/golang': ['parent', 'parent-registry', true],
      'docker.io/library/nginx': ['parent', 'parent-registry', true],
      'docker.io/library/redis': ['run-only', 'registry', true],
      'gcr.io/distroless/static-debian12': ['parent', 'parent-registry', true],
      'prod.example.com/payments/api': ['built', 'registry', false],
      'registry.example.com/mirror/nginx': ['both', 'registry', false],
      'registry.example.com/team/api': ['built', 'registry', false],
      'registry.example.com/team/api-debug': ['built', 'registry', false],
      'registry.example.com/team/legacy': ['run-only', 'registry', false],
      'registry.example.com/team/web': ['built', 'registry', false],
    });
    const api = map.nodes.find((n) => n.id === 'image:prod.example.com/payments/api');
    expect(api?.attributes).toMatchObject({
      registry: 'prod.example.com',
      repository: 'payments/api',
      tags: { '1.4.2': digests.apiProdTagged },
      digests: [digests.apiProdRunning, digests.apiProdTagged],
      scanned: true,
    });
    expect(map.nodes.find((n) => n.id === 'image:docker.io/library/redis')?.attributes.tags).toEqual({ 7: null });
    expect(map.nodes.find((n) => n.id === 'registry:gcr.io')?.stage).toBe('parent-registry');
    expect(map.nodes.find((n) => n.id === 'registry:prod.example.com')?.attributes).toMatchObject({ scanned: true, public: false, repositories: 1 });
  });

  it('keeps every unresolved value as an unknown on the node that holds it', () => {
    expect(map.unknowns.map((u) => [u.node, u.value, u.variables, u.where])).toEqual([
      ['dockerfile:apps/web/docker/Dockerfile', '${REGISTRY}/node:20', ['REGISTRY'], 'apps/web/docker/Dockerfile:2'],
      ['pipeline:jenkins:apps/api/Jenkinsfile', 'registry.example.com/team/api:${BUILD_NUMBER}', ['BUILD_NUMBER'], 'apps/api/Jenkinsfile:12'],
      [
        'pipeline:github-actions:apps/web/.github/workflows/build.yml',
        '${{ env.REGISTRY }}/team/web:latest',
        ['REGISTRY'],
        'apps/web/.github/workflows/build.yml:20',
      ],
      [
        'pipeline:gitlab-ci:platform/release/.gitlab-ci.yml',
        'prod.example.com/payments/api:${CI_COMMIT_TAG}',
        ['CI_COMMIT_TAG'],
        'platform/release/.gitlab-ci.yml:15',
      ],
      [
        'pipeline:gitlab-ci:platform/release/.gitlab-ci.yml',
        'registry.example.com/team/api:${CI_COMMIT_TAG}',
        ['CI_COMMIT_TAG'],
        'platform/release/.gitlab-ci.yml:15',
      ],
      ['workload:prod/Deployment/legacy', '{{ .Values.sidecar.image }}', ['.Values.sidecar.image'], 'k8s/prod.yaml:33'],
    ]);
    expect(map.unknowns[4]?.reason).toMatch(/which build .* is not known/);
    // the unresolved names made no node: no `${REGISTRY}` image, no image for the helm placeholder
    expect(map.nodes.some((n) => n.id.includes('$') || n.id.includes('{'))).toBe(false);
  });

  it('finds the breaks: unknown provenance, public pulls, unused pushes, unpinned parents, drift', () => {
    expect(map.findings.map((f) => [f.ruleId, `${f.location.file ?? ''}:${f.location.startLine ?? ''}`, f.nodes])).toEqual([
      ['SS-MAP-001', 'k8s/prod.yaml:31', ['workload:prod/Deployment/legacy', 'image:registry.example.com/team/legacy']],
      ['SS-MAP-002', 'k8s/prod.yaml:21', ['workload:prod/Deployment/web', 'image:docker.io/library/redis']],
      // team/api is promoted to prod.example.com, so it is used; the debug image is not
      ['SS-MAP-003', 'apps/api/Jenkinsfile:24', ['pipeline:jenkins:apps/api/Jenkinsfile', 'image:registry.example.com/team/api-debug']],
      ['SS-MAP-004', 'apps/api/Dockerfile:2', ['dockerfile:apps/api/Dockerfile', 'image:docker.io/library/golang']],
      ['SS-MAP-004', 'apps/api/Dockerfile.debug:1', ['dockerfile:apps/api/Dockerfile.debug', 'image:docker.io/library/alpine']],
      ['SS-MAP-004', 'apps/web/docker/Dockerfile:4', ['dockerfile:apps/web/docker/Dockerfile', 'image:registry.example.com/mirror/nginx']],
      ['SS-MAP-005', 'k8s/prod.yaml:9', ['workload:prod/Deployment/api', 'image:prod.example.com/payments/api']],
    ]);
    expect(map.findings.at(-1)?.message).toBe(
      `Deployment/api (container api) pins prod.example.com/payments/api@${digests.apiProdRunning}, but the tag 1.4.2 now points at ${digests.apiProdTagged} (the scan of prod.example.com at 2026-01-02T03:04:05.000Z)`,
    );
    expect(new Set(map.findings.map((f) => f.fingerprint)).size).toBe(map.findings.length);
    // stable across runs
    expect(buildLifecycleMap(messyEstate(), new Date()).findings.map((f) => f.fingerprint)).toEqual(map.findings.map((f) => f.fingerprint));
  });

  it('records its inputs and the schema', () => {
    expect([map.schema, map.generatedAt, map.inputs]).toEqual([
      'shipshape/lifecycle-map@1',
      '2026-01-03T00:00:00.000Z',
      { sources: ['estate'], registries: ['prod.example.com', 'registry.example.com'], unscannedRegistries: [], workloads: ['k8s/prod.yaml'], config: null },
    ]);
  });

  it('names the config file the estate was described by', () => {
    expect(buildLifecycleMap(messyEstate(), now, { config: 'estate/shipshape.yaml' }).inputs.config).toBe('estate/shipshape.yaml');
  });
});

/** A one-repository estate with the given Dockerfiles, one pipeline, and optional manifests/reports. */
function estate(options: {
  dockerfiles: Record<string, string>;
  steps: Parameters<typeof pipeline>[3];
  manifests?: string;
  registries?: EstateEvidence['registries'];
}): EstateEvidence {
  const objects = options.manifests === undefined ? undefined : loadManifests([{ name: 'm.yaml', text: options.manifests }]).objects;
  return {
    build: {
      sources: ['.'],
      repositories: ['.'],
      pipelines: [pipeline('jenkins', 'Jenkinsfile', '.', options.steps)],
      dockerfiles: Object.entries(options.dockerfiles).map(([file, text]) => readDockerfile(file, text, '.')),
    },
    registries: options.registries ?? [],
    run:
      objects === undefined
        ? undefined
        : { sources: ['m.yaml'], cluster: 'manifests', objects, podSecurity: [], findings: [], images: imageReferences(objects), nodes: [] },
  };
}

const at = (line: number) => ({ file: 'Jenkinsfile', line, step: undefined });

describe('buildLifecycleMap: never a wrong edge', () => {
  it('finds the Dockerfile relative to the build context, and refuses to choose between two', () => {
    const one = buildLifecycleMap(
      estate({
        dockerfiles: { 'svc/Dockerfile': 'FROM alpine:3.20\n' },
        steps: [buildStep(0, at(3), 'Dockerfile', 'svc', [ciValue('r.example/svc:1')], true)],
      }),
      now,
    );
    expect(edgeLines(one, ['uses', 'builds'])).toEqual([
      'uses pipeline:jenkins:Jenkinsfile -> dockerfile:svc/Dockerfile',
      'builds dockerfile:svc/Dockerfile -> image:r.example/svc [1]',
    ]);

    const two = buildLifecycleMap(
      estate({
        dockerfiles: { Dockerfile: 'FROM alpine:3.20\n', 'svc/Dockerfile': 'FROM alpine:3.20\n' },
        steps: [buildStep(0, at(3), 'Dockerfile', 'svc', [ciValue('r.example/svc:1')], true)],
      }),
      now,
    );
    expect(edgeLines(two, ['uses', 'builds'])).toEqual(['builds pipeline:jenkins:Jenkinsfile -> image:r.example/svc [1]']);
    expect(two.unknowns.map((u) => u.reason)).toEqual(['the Dockerfile could be Dockerfile or svc/Dockerfile']);
  });

  it('a Dockerfile outside the sources or behind a variable is an unknown; the image is still pushed', () => {
    const missing = buildLifecycleMap(
      estate({ dockerfiles: {}, steps: [buildStep(0, at(3), 'build/${FLAVOUR}.Dockerfile', '.', [ciValue('r.example/svc:1')], true)] }),
      now,
    );
    expect(edgeLines(missing)).toEqual([
      'contains repository:. -> pipeline:jenkins:Jenkinsfile',
      'builds pipeline:jenkins:Jenkinsfile -> image:r.example/svc [1]',
      'pushes-to pipeline:jenkins:Jenkinsfile -> image:r.example/svc [1]',
      'stored-in image:r.example/svc -> registry:r.example',
    ]);
    expect(missing.unknowns.map((u) => [u.node, u.variables, u.where])).toEqual([['pipeline:jenkins:Jenkinsfile', ['FLAVOUR'], 'Jenkinsfile:3']]);
  });

  it('within one pipeline the same unresolved text is the same image: build, retag and push connect', () => {
    const steps = [
      buildStep(0, at(3), 'Dockerfile', '.', [ciValue('app:${GIT_SHA}')], false),
      { kind: 'tag' as const, order: 1, location: at(4), from: ciValue('app:${GIT_SHA}'), to: ciValue('r.example/team/app:${GIT_SHA}'), pushes: false },
      { kind: 'push' as const, order: 2, location: at(5), tool: 'docker' as const, image: ciValue('r.example/team/app:${GIT_SHA}') },
    ];
    const map = buildLifecycleMap(estate({ dockerfiles: { Dockerfile: 'FROM alpine:3.20@sha256:' + '1'.repeat(64) + '\n' }, steps }), now);
    expect(edgeLines(map, ['builds', 'pushes-to', 'copied-from'])).toEqual([
      'builds dockerfile:Dockerfile -> image:docker.io/library/app [${GIT_SHA}]',
      'builds dockerfile:Dockerfile -> image:r.example/team/app [${GIT_SHA}]',
      'copied-from image:r.example/team/app -> image:docker.io/library/app',
      'pushes-to pipeline:jenkins:Jenkinsfile -> image:r.example/team/app [${GIT_SHA}]',
    ]);
  });

  it('marks edges whose name or tag rests on a parameter default the run may override: certain false, naming the defaults', () => {
    const assumed = (raw: string, resolved: string, names: string[]) => ({ raw, resolved, unknowns: [], assumed: names });
    const steps = [
      {
        ...buildStep(
          0,
          at(3),
          'Dockerfile',
          '.',
          [assumed('app:${params.V}', 'r.example/team/app:1.0', ['params.V']), ciValue('r.example/team/app:latest')],
          true,
        ),
        context: assumed('${params.DIR}', 'svc', ['params.DIR']),
      },
      {
        kind: 'push' as const,
        order: 1,
        location: at(4),
        tool: 'docker' as const,
        image: assumed('r.example/${params.TEAM}/app:2', 'r.example/team/app:2', ['params.TEAM']),
      },
      // a retag of the build found under a name that rests on the default: so does the copy
      {
        kind: 'tag' as const,
        order: 2,
        location: at(5),
        from: assumed('r.example/team/app:${params.V}', 'r.example/team/app:1.0', ['params.V']),
        to: ciValue('r.example/prod/app:stable'),
        pushes: true,
      },
      // a mirror copy no build made
      {
        kind: 'tag' as const,
        order: 3,
        location: at(6),
        from: ciValue('nginx:1.27'),
        to: assumed('r.example/mirror/nginx:${params.N}', 'r.example/mirror/nginx:1.27', ['params.N']),
        pushes: true,
      },
    ];
    const map = buildLifecycleMap(estate({ dockerfiles: { 'svc/Dockerfile': 'FROM alpine:3.20@sha256:' + '1'.repeat(64) + '\n' }, steps }), now);
    const lines = map.edges
      .filter((e) => ['uses', 'builds', 'pushes-to', 'copied-from'].includes(e.kind))
      .map(
        (e) =>
          `${e.kind} ${e.to} [${String(e.attributes.tag)}] ${e.attributes.certain === false ? `assumed ${JSON.stringify(e.attributes.assumed)}` : 'certain' in e.attributes || 'assumed' in e.attributes ? 'WRONG' : 'exact'}`,
      );
    expect(lines).toEqual([
      'uses dockerfile:svc/Dockerfile [undefined] assumed ["params.DIR"]',
      'builds image:r.example/team/app [1.0] assumed ["params.V"]',
      'pushes-to image:r.example/team/app [1.0] assumed ["params.V"]',
      'builds image:r.example/team/app [latest] exact',
      'pushes-to image:r.example/team/app [latest] exact',
      'builds image:r.example/prod/app [stable] assumed ["params.V"]',
      'copied-from image:r.example/team/app [stable] assumed ["params.V"]',
      // the name pushed is exact, whichever build it was found under
      'pushes-to image:r.example/prod/app [stable] exact',
      'pushes-to image:r.example/mirror/nginx [1.27] assumed ["params.N"]',
      'copied-from image:docker.io/library/nginx [1.27] assumed ["params.N"]',
      'pushes-to image:r.example/team/app [2] assumed ["params.TEAM"]',
    ]);
  });

  it('collapses pods into the workload that controls them and checks the digests they run', () => {
    const manifests = `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: prod }
spec: { template: { spec: { containers: [ { name: api, image: "r.example/team/api:1.0" } ] } } }
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: api-5d9f, namespace: prod, ownerReferences: [ { apiVersion: apps/v1, kind: Deployment, name: api, controller: true } ] }
spec: { template: { spec: { containers: [ { name: api, image: "r.example/team/api:1.0" } ] } } }
---
apiVersion: v1
kind: Pod
metadata: { name: api-5d9f-x1, namespace: prod, ownerReferences: [ { apiVersion: apps/v1, kind: ReplicaSet, name: api-5d9f, controller: true } ] }
spec: { containers: [ { name: api, image: "r.example/team/api:1.0" } ] }
status: { containerStatuses: [ { name: api, imageID: "r.example/team/api@${digests.apiStaging}" } ] }
---
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: prod }
spec: { containers: [ { name: sh, image: "r.example/team/api@${digests.web}" } ] }
`;
    const registries = [
      registryReport(
        'r.example',
        [
          {
            name: 'team/api',
            tags: [{ tag: '1.0', digest: digests.apiProdTagged, mediaType: 'm', movedFrom: undefined }],
            images: [{ digest: digests.apiProdTagged, mediaType: 'm', tags: ['1.0'], platforms: [], signatures: [], attestations: [] }],
          },
        ],
        'team',
      ),
    ];
    const map = buildLifecycleMap(
      estate({ dockerfiles: {}, steps: [buildStep(0, at(3), 'Dockerfile', '.', [ciValue('r.example/team/api:1.0')], true)], manifests, registries }),
      now,
    );
    expect(map.nodes.filter((n) => n.kind === 'workload').map((n) => n.id)).toEqual(['workload:prod/Deployment/api', 'workload:prod/Pod/debug']);
    expect(map.edges.find((e) => e.from === 'workload:prod/Deployment/api')?.attributes.runningDigests).toEqual([digests.apiStaging]);
    expect(map.findings.filter((f) => f.ruleId === 'SS-MAP-005').map((f) => f.message)).toEqual([
      `pods of Deployment/api (container api) run r.example/team/api@${digests.apiStaging}, which no tag in the registry points at (1.0 → sha256:bbbbbbbbbbbb…) (the scan of r.example at 2026-01-02T03:04:05.000Z)`,
      `Pod/debug (container sh) pins r.example/team/api@${digests.web}, which no tag in the registry points at (1.0 → sha256:bbbbbbbbbbbb…) (the scan of r.example at 2026-01-02T03:04:05.000Z)`,
    ]);
  });

  it('a pinned digest the registry knows is named by its tags there, and is no drift', () => {
    const manifests = `apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [ { name: c, image: "r.example/team/api@${digests.web}" } ] }\n`;
    const registries = [
      registryReport('R.Example', [
        {
          name: 'team/api',
          tags: [
            { tag: '2.0', digest: digests.web, mediaType: 'm', movedFrom: undefined },
            { tag: 'stable', digest: digests.web, mediaType: 'm', movedFrom: undefined },
          ],
          images: [{ digest: digests.web, mediaType: 'm', tags: ['2.0', 'stable'], platforms: [], signatures: [], attestations: [] }],
        },
      ]),
    ];
    const map = buildLifecycleMap(
      estate({ dockerfiles: {}, steps: [buildStep(0, at(3), 'Dockerfile', '.', [ciValue('r.example/team/api:2.0')], true)], manifests, registries }),
      now,
    );
    expect(map.edges.find((e) => e.kind === 'pulled-from')?.attributes).toEqual({
      container: 'c',
      containerType: 'container',
      digest: digests.web,
      registryTags: ['2.0', 'stable'],
      where: 'm.yaml:4',
    });
    expect(map.findings.filter((f) => f.ruleId === 'SS-MAP-005')).toEqual([]);
  });

  it('a pinned digest the registry still holds, but no tag points at any more, is drift (the tag moved on)', () => {
    const manifests = `apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [ { name: c, image: "r.example/team/api@${digests.web}" } ] }\n`;
    const untagged = { digest: digests.web, mediaType: 'm', tags: [], platforms: [], signatures: [], attestations: [] };
    const current = { digest: digests.apiProdTagged, mediaType: 'm', tags: ['2.0'], platforms: [], signatures: [], attestations: [] };
    const registries = [
      registryReport('r.example', [
        { name: 'team/api', tags: [{ tag: '2.0', digest: digests.apiProdTagged, mediaType: 'm', movedFrom: digests.web }], images: [current, untagged] },
      ]),
    ];
    const map = buildLifecycleMap(
      estate({ dockerfiles: {}, steps: [buildStep(0, at(3), 'Dockerfile', '.', [ciValue('r.example/team/api:2.0')], true)], manifests, registries }),
      now,
    );
    expect(map.findings.filter((f) => f.ruleId === 'SS-MAP-005').map((f) => f.message)).toEqual([
      `Pod/p (container c) pins r.example/team/api@${digests.web}, which the registry still holds but no tag points at any more (2.0 → ${digests.apiProdTagged.slice(0, 19)}…) (the scan of r.example at 2026-01-02T03:04:05.000Z)`,
    ]);
  });

  it('a registry scan of another prefix says nothing; without run evidence nothing is "unused"; without sources nothing is "unknown provenance"', () => {
    const manifests = `apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [ { name: c, image: "r.example/other/x@${digests.web}" } ] }\n`;
    const registries = [registryReport('r.example', [], 'team')];
    const withRun = buildLifecycleMap(estate({ dockerfiles: {}, steps: [], manifests, registries }), now);
    expect(withRun.findings.map((f) => f.ruleId)).toEqual(['SS-MAP-001']);
    const noSources = buildLifecycleMap(
      { ...estate({ dockerfiles: {}, steps: [], manifests, registries }), build: { sources: [], repositories: [], pipelines: [], dockerfiles: [] } },
      now,
    );
    expect(noSources.findings).toEqual([]);
    const noRun = buildLifecycleMap(
      estate({
        dockerfiles: { Dockerfile: 'FROM alpine@sha256:' + '1'.repeat(64) + '\n' },
        steps: [buildStep(0, at(3), 'Dockerfile', '.', [ciValue('r.example/team/x:1')], true)],
      }),
      now,
    );
    expect(noRun.findings).toEqual([]);
  });
});
