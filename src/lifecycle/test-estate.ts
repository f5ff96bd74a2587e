import type { CiLocation, CiValue, ImageBuildStep, ImagePushStep, ImageTagStep, Pipeline, PipelineStep } from '../buildtime/ci/model.js';
import type { RegistryScanReport, RepositoryReport } from '../distribute/model.js';
import { imageReferences } from '../runtime/manifests/images.js';
import { loadManifests } from '../runtime/manifests/load.js';
import { nodeInfoOf } from '../runtime/cluster/nodes.js';
import { readDockerfile } from './dockerfiles.js';
import type { BuildEvidence, EstateEvidence } from './estate-model.js';
import type { DockerfileSource } from './inheritance.js';

/**
 * A small, messy estate built by hand for the lifecycle tests (map, trace, renderers): variables in
 * FROM and tags, a multi-stage build, an image built in one pipeline and retagged and pushed in
 * another, a mirror copy, a workload whose image cannot be resolved, a digest that drifted.
 */

export const digests = {
  apiProdRunning: `sha256:${'a'.repeat(64)}`,
  apiProdTagged: `sha256:${'b'.repeat(64)}`,
  apiStaging: `sha256:${'c'.repeat(64)}`,
  web: `sha256:${'d'.repeat(64)}`,
  nginxMirror: `sha256:${'e'.repeat(64)}`,
  distroless: `sha256:${'f'.repeat(64)}`,
} as const;

/** A CI value: resolved is raw with the given variables' values substituted; the others stay unknown. */
export function ciValue(raw: string, values: Record<string, string> = {}): CiValue {
  const unknowns: string[] = [];
  const resolved = raw.replace(
    /\$\{\{\s*env\.(\w+)\s*\}\}|\$\{(\w+)\}|\$(\w+)/g,
    (whole, a: string | undefined, b: string | undefined, c: string | undefined) => {
      const name = a ?? b ?? c ?? '';
      const value = values[name];
      if (value !== undefined) return value;
      if (!unknowns.includes(name)) unknowns.push(name);
      return `\${${name}}`;
    },
  );
  return { raw, resolved, unknowns };
}

function at(file: string, line: number, step?: string): CiLocation {
  return { file, line, step };
}

export function buildStep(order: number, location: CiLocation, dockerfile: string, context: string, tags: CiValue[], pushes: boolean): ImageBuildStep {
  return { kind: 'build', order, location, tool: 'docker', dockerfile: ciValue(dockerfile), context: ciValue(context), tags, pushes };
}

function pushStep(order: number, location: CiLocation, image: CiValue): ImagePushStep {
  return { kind: 'push', order, location, tool: 'docker', image };
}

function tagStep(order: number, location: CiLocation, from: CiValue, to: CiValue, pushes: boolean): ImageTagStep {
  return { kind: 'tag', order, location, from, to, pushes };
}

export function pipeline(system: Pipeline['system'], file: string, repository: string, steps: PipelineStep[], name?: string): Pipeline {
  const unknownVariables = [
    ...new Set(
      steps.flatMap((s) => ('tags' in s ? s.tags : 'image' in s && s.image ? [s.image] : 'from' in s ? [s.from, s.to] : []).flatMap((v) => v.unknowns)),
    ),
  ];
  return { id: `${system}:${file}`, system, file, repository, name, steps, unknownVariables, diagnostics: [] };
}

const apiDockerfile = [
  'ARG GO=1.22',
  'FROM golang:${GO} AS build',
  'RUN go build -o /out/api ./cmd/api',
  'FROM build AS test',
  'RUN go test ./...',
  `FROM gcr.io/distroless/static-debian12@${digests.distroless}`,
  'COPY --from=build /out/api /api',
  'USER 65532',
  'ENTRYPOINT ["/api"]',
  '',
].join('\n');
const webDockerfile = [
  'ARG REGISTRY',
  'FROM ${REGISTRY}/node:20 AS assets',
  'RUN npm ci && npm run build',
  'FROM registry.example.com/mirror/nginx:1.27',
  'COPY --from=assets /dist /usr/share/nginx/html',
  '',
].join('\n');
const debugDockerfile = 'FROM alpine:3.20\nUSER 1000\n';

const manifests = `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: prod }
spec:
  template:
    spec:
      containers:
        - name: api
          image: prod.example.com/payments/api:1.4.2@${digests.apiProdRunning}
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: prod }
spec:
  template:
    spec:
      containers:
        - name: web
          image: registry.example.com/team/web:2.0
        - name: cache
          image: redis:7
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: legacy, namespace: prod }
spec:
  template:
    spec:
      containers:
        - name: legacy
          image: registry.example.com/team/legacy:3
        - name: sidecar
          image: "{{ .Values.sidecar.image }}"
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Node
    metadata:
      name: ip-10-0-1-5
      labels: { node.kubernetes.io/instance-type: m6i.large, topology.kubernetes.io/region: eu-west-1 }
    spec: { providerID: "aws:///eu-west-1a/i-0abc" }
    status:
      nodeInfo: { osImage: Bottlerocket OS 1.20.0, kernelVersion: 6.1.90, containerRuntimeVersion: "containerd://1.6.31", kubeletVersion: v1.29.3 }
`;

function repository(name: string, tags: Record<string, string>, untagged: string[] = []): RepositoryReport {
  const byDigest = new Map<string, string[]>();
  for (const [tag, digest] of Object.entries(tags)) byDigest.set(digest, [...(byDigest.get(digest) ?? []), tag]);
  for (const digest of untagged) byDigest.set(digest, []);
  return {
    name,
    tags: Object.entries(tags).map(([tag, digest]) => ({ tag, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', movedFrom: undefined })),
    images: [...byDigest].map(([digest, names]) => ({
      digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      tags: names,
      platforms: [],
      signatures: [],
      attestations: [],
    })),
  };
}

export function registryReport(registry: string, repositories: RepositoryReport[], prefix?: string): RegistryScanReport {
  return {
    schema: 'shipshape/registry-scan@1',
    registry,
    prefix,
    scannedAt: '2026-01-02T03:04:05.000Z',
    access: { scheme: 'https', authScheme: 'bearer', anonymousPull: false, anonymousCatalog: false, tls: undefined },
    repositories,
    changes: undefined,
    findings: [],
    diagnostics: [],
    stats: { repositories: repositories.length, tags: 0, images: 0, platformImages: 0, layers: { read: 0, fromDiskCache: 0, shared: 0 }, durationMs: 0 },
  } as RegistryScanReport;
}

/** The messy estate's evidence, as `collectEstate` would give it. */
export function messyEstate(): EstateEvidence {
  const pipelines: Pipeline[] = [
    pipeline('jenkins', 'apps/api/Jenkinsfile', 'apps/api', [
      buildStep(
        0,
        at('apps/api/Jenkinsfile', 12, 'Build'),
        'Dockerfile',
        '.',
        [ciValue('registry.example.com/team/api:${BUILD_NUMBER}'), ciValue('registry.example.com/team/api:${VERSION}', { VERSION: '1.4.2' })],
        false,
      ),
      pushStep(1, at('apps/api/Jenkinsfile', 18, 'Push'), ciValue('registry.example.com/team/api:1.4.2')),
      buildStep(2, at('apps/api/Jenkinsfile', 24, 'Debug image'), 'Dockerfile.debug', '.', [ciValue('registry.example.com/team/api-debug:1.4.2')], true),
    ]),
    pipeline(
      'github-actions',
      'apps/web/.github/workflows/build.yml',
      'apps/web',
      [
        buildStep(
          0,
          at('apps/web/.github/workflows/build.yml', 20, 'build'),
          'docker/Dockerfile',
          '.',
          [ciValue('${{ env.REGISTRY }}/team/web:latest'), ciValue('registry.example.com/team/web:2.0')],
          true,
        ),
      ],
      'build web',
    ),
    pipeline('gitlab-ci', 'platform/release/.gitlab-ci.yml', 'platform/release', [
      tagStep(
        0,
        at('platform/release/.gitlab-ci.yml', 7, 'promote'),
        ciValue('registry.example.com/team/api:1.4.2'),
        ciValue('prod.example.com/payments/api:1.4.2'),
        false,
      ),
      pushStep(1, at('platform/release/.gitlab-ci.yml', 8, 'promote'), ciValue('prod.example.com/payments/api:1.4.2')),
      tagStep(
        2,
        at('platform/release/.gitlab-ci.yml', 15, 'promote-tag'),
        ciValue('registry.example.com/team/api:${CI_COMMIT_TAG}'),
        ciValue('prod.example.com/payments/api:${CI_COMMIT_TAG}'),
        true,
      ),
    ]),
    pipeline('jenkins', 'tools/mirror/Jenkinsfile', 'tools/mirror', [
      tagStep(0, at('tools/mirror/Jenkinsfile', 5, 'Mirror'), ciValue('docker.io/library/nginx:1.27'), ciValue('registry.example.com/mirror/nginx:1.27'), true),
    ]),
  ];
  const { objects } = loadManifests([{ name: 'k8s/prod.yaml', text: manifests }]);
  const run = {
    sources: ['k8s/prod.yaml'],
    cluster: 'manifests',
    objects,
    podSecurity: [],
    findings: [],
    images: imageReferences(objects),
    nodes: objects.filter((o) => o.kind === 'Node').map((o) => nodeInfoOf(o.raw)),
  };
  return {
    build: {
      sources: ['estate'],
      repositories: ['apps/api', 'apps/web', 'platform/release', 'tools/mirror'],
      pipelines,
      dockerfiles: [
        readDockerfile('apps/api/Dockerfile', apiDockerfile, 'apps/api'),
        readDockerfile('apps/api/Dockerfile.debug', debugDockerfile, 'apps/api'),
        readDockerfile('apps/web/docker/Dockerfile', webDockerfile, 'apps/web'),
      ],
    },
    registries: [
      registryReport('prod.example.com', [repository('payments/api', { '1.4.2': digests.apiProdTagged }, [digests.apiProdRunning])]),
      registryReport('registry.example.com', [
        repository('team/api', { '1.4.2': digests.apiStaging }),
        repository('team/web', { '2.0': digests.web }),
        repository('mirror/nginx', { '1.27': digests.nginxMirror }),
      ]),
    ],
    run,
  };
}

/**
 * An estate whose images inherit from internal base images, for the FROM-chain tests: a base that
 * switches to `app` (and exposes 22, and has a HEALTHCHECK), promoted to a production registry; a
 * base that ends on `USER root`; services built FROM them, one two levels down, one switching back
 * to root itself; and one on a public image only. `texts` are what `withInheritedConfig` reads again.
 */
export function inheritingEstate(): { build: BuildEvidence; texts: Map<string, DockerfileSource> } {
  const files: Record<string, { repository: string; text: string; builds: string[]; promote?: string }> = {
    'platform/base/Dockerfile': {
      repository: 'platform/base',
      text: 'FROM debian:bookworm\nRUN useradd --uid 10001 app\nHEALTHCHECK CMD curl -f http://localhost:8080/health || exit 1\nEXPOSE 22\nUSER app\n',
      builds: ['registry.example.com/platform/base:1'],
      promote: 'prod.example.com/platform/base:1',
    },
    'platform/rootbase/Dockerfile': {
      repository: 'platform/rootbase',
      text: 'FROM debian:bookworm\nUSER app\nRUN apt-get update\nUSER root\n',
      builds: ['registry.example.com/platform/rootbase:1'],
    },
    'apps/svc/Dockerfile': {
      repository: 'apps/svc',
      text: 'FROM registry.example.com/platform/base:1 AS runtime\nCOPY app /app\nFROM runtime\nCMD ["/app"]\n',
      builds: ['registry.example.com/team/svc:1'],
    },
    'apps/svc-debug/Dockerfile': {
      repository: 'apps/svc-debug',
      text: 'FROM registry.example.com/team/svc:1\nRUN true\n',
      builds: ['registry.example.com/team/svc-debug:1'],
    },
    'apps/worker/Dockerfile': {
      repository: 'apps/worker',
      text: 'FROM prod.example.com/platform/base:1\nCMD ["/worker"]\n',
      builds: ['registry.example.com/team/worker:1'],
    },
    'apps/admin/Dockerfile': {
      repository: 'apps/admin',
      text: 'FROM registry.example.com/platform/base:1\nUSER root\nCMD ["/admin"]\n',
      builds: ['registry.example.com/team/admin:1'],
    },
    'apps/job/Dockerfile': {
      repository: 'apps/job',
      text: 'FROM registry.example.com/platform/rootbase:1\nCMD ["/job"]\n',
      builds: ['registry.example.com/team/job:1'],
    },
    'apps/legacy/Dockerfile': { repository: 'apps/legacy', text: 'FROM debian:bookworm\nCMD ["/legacy"]\n', builds: ['registry.example.com/team/legacy:1'] },
  };
  const texts = new Map<string, DockerfileSource>();
  const pipelines: Pipeline[] = [];
  const dockerfiles = Object.entries(files).map(([file, { repository, text, builds, promote }]) => {
    texts.set(file, { text, hasDockerignore: true });
    const ci = `${repository}/Jenkinsfile`;
    const steps: PipelineStep[] = [
      buildStep(
        0,
        at(ci, 5, 'Build'),
        'Dockerfile',
        '.',
        builds.map((tag) => ciValue(tag)),
        true,
      ),
    ];
    if (promote !== undefined && builds[0] !== undefined) steps.push(tagStep(1, at(ci, 9, 'Promote'), ciValue(builds[0]), ciValue(promote), true));
    pipelines.push(pipeline('jenkins', ci, repository, steps));
    return readDockerfile(file, text, repository, { hasDockerignore: true });
  });
  return {
    build: {
      sources: ['estate'],
      repositories: Object.values(files)
        .map((f) => f.repository)
        .sort(),
      pipelines,
      dockerfiles,
    },
    texts,
  };
}
