import type {
  LifecycleEdge,
  LifecycleEdgeKind,
  LifecycleFinding,
  LifecycleMap,
  LifecycleNode,
  LifecycleNodeKind,
  LifecycleStage,
} from '../../lifecycle/model.js';
import { phaseScores, weightedScore } from '../../lifecycle/posture/score.js';
import type { ControlResult, ControlStatus, Evidence, FileEdit, Phase, PostureReport, ProposedChange } from '../../lifecycle/posture/model.js';
import type { SeverityLevel } from '../../core/severity.js';
import type { ReportFinding, ReportInput } from './input.js';

/**
 * A hand-built estate for the report tests (the map, posture and scanners are written elsewhere):
 * 3 repositories, 3 pipelines, 3 Dockerfiles, 2 registries, 6 images, 5 workloads in 2 namespaces,
 * one cluster on 3 nodes, 20 controls covering every status, and findings of every category.
 */
export function sampleReportInput(): ReportInput {
  const map = sampleMap();
  const posture = samplePosture();
  return {
    title: 'Shipshape posture report — acme-payments',
    generatedAt: '2025-03-14T09:30:00.000Z',
    toolVersion: '0.1.0',
    map,
    posture,
    findings: sampleFindings(),
  };
}

const at = '2025-03-14T09:30:00.000Z';
const api = 'image:registry.example.com/team/api';
const web = 'image:registry.example.com/team/web';
const worker = 'image:registry.example.com/team/worker';
const nodeParent = 'image:docker.io/library/node';
const pythonParent = 'image:docker.io/library/python';
const redis = 'image:docker.io/library/redis';

function node(
  id: string,
  kind: LifecycleNodeKind,
  stage: LifecycleStage,
  label: string,
  evidence: string[],
  attributes: Record<string, unknown> = {},
): LifecycleNode {
  return { id, kind, stage, label, evidence, attributes };
}

function edge(from: string, kind: LifecycleEdgeKind, to: string, attributes: Record<string, unknown> = {}): LifecycleEdge {
  return { from, to, kind, attributes };
}

function mapFinding(ruleId: string, severity: SeverityLevel, title: string, message: string, file: string | undefined, nodes: string[]): LifecycleFinding {
  return { ruleId, title, severity, message, location: { file, startLine: file ? 1 : undefined }, fingerprint: `${ruleId}:${nodes.join(',')}`, nodes };
}

export function sampleMap(): LifecycleMap {
  const nodes: LifecycleNode[] = [
    node('repository:apps/api', 'repository', 'source', 'apps/api', ['src/apps/api']),
    node('repository:apps/web', 'repository', 'source', 'apps/web', ['src/apps/web']),
    node('repository:apps/worker', 'repository', 'source', 'apps/worker', ['src/apps/worker']),
    node('pipeline:jenkins:apps/api/Jenkinsfile', 'pipeline', 'ci', 'Jenkins: apps/api', ['apps/api/Jenkinsfile'], {
      system: 'jenkins',
      stages: ['build', 'test', 'push'],
    }),
    node('pipeline:github:apps/web/.github/workflows/build.yml', 'pipeline', 'ci', 'GitHub Actions: web build', ['apps/web/.github/workflows/build.yml'], {
      system: 'github-actions',
    }),
    node('pipeline:gitlab:apps/worker/.gitlab-ci.yml', 'pipeline', 'ci', 'GitLab CI: worker', ['apps/worker/.gitlab-ci.yml'], { system: 'gitlab-ci' }),
    node('dockerfile:apps/api/Dockerfile', 'dockerfile', 'build', 'apps/api/Dockerfile', ['apps/api/Dockerfile:1'], { stages: 2 }),
    node('dockerfile:apps/web/Dockerfile', 'dockerfile', 'build', 'apps/web/Dockerfile', ['apps/web/Dockerfile:1'], { stages: 1 }),
    node('dockerfile:apps/worker/Dockerfile', 'dockerfile', 'build', 'apps/worker/Dockerfile', ['apps/worker/Dockerfile:1'], { stages: 1 }),
    node(nodeParent, 'image', 'parent-registry', 'docker.io/library/node', ['apps/api/Dockerfile:1', 'apps/web/Dockerfile:1'], {
      registry: 'docker.io',
      repository: 'library/node',
      tags: ['20-bookworm', '20-alpine'],
      digests: [],
      public: true,
      role: 'parent',
    }),
    node(pythonParent, 'image', 'parent-registry', 'docker.io/library/python', ['apps/worker/Dockerfile:1'], {
      registry: 'docker.io',
      repository: 'library/python',
      tags: ['3.12-slim'],
      digests: [],
      public: true,
      role: 'parent',
    }),
    node('registry:docker.io', 'registry', 'parent-registry', 'docker.io', ['public registry'], { public: true }),
    node(api, 'image', 'registry', 'registry.example.com/team/api', ['registry scan 2025-03-14'], {
      registry: 'registry.example.com',
      repository: 'team/api',
      tags: ['1.4.2', 'latest'],
      digests: ['sha256:1a2b3c4d5e6f'],
      public: false,
      role: 'built',
      vulnerabilities: { CRITICAL: 1, HIGH: 2, MEDIUM: 1 },
    }),
    node(web, 'image', 'registry', 'registry.example.com/team/web', ['registry scan 2025-03-14'], {
      registry: 'registry.example.com',
      repository: 'team/web',
      tags: ['latest'],
      digests: ['sha256:2b3c4d5e6f70'],
      public: false,
      role: 'built',
    }),
    node(worker, 'image', 'registry', 'registry.example.com/team/worker', ['registry scan 2025-03-14'], {
      registry: 'registry.example.com',
      repository: 'team/worker',
      tags: ['2025.03.1'],
      digests: ['sha256:3c4d5e6f7081'],
      public: false,
      role: 'built',
    }),
    node(redis, 'image', 'registry', 'docker.io/library/redis', ['k8s/prod/redis.yaml:18'], {
      registry: 'docker.io',
      repository: 'library/redis',
      tags: ['7'],
      digests: [],
      public: true,
      role: 'run-only',
    }),
    node('registry:registry.example.com', 'registry', 'registry', 'registry.example.com', ['https://registry.example.com'], {
      scheme: 'https',
      authScheme: 'bearer',
      anonymousPull: false,
    }),
    node('cluster:prod-eu', 'cluster', 'orchestrator', 'prod-eu', ['kubeconfig context prod-eu'], { version: 'v1.29.4' }),
    node('workload:prod/Deployment/api', 'workload', 'orchestrator', 'prod/Deployment/api', ['k8s/prod/api.yaml:1'], { namespace: 'prod', replicas: 3 }),
    node('workload:prod/Deployment/web', 'workload', 'orchestrator', 'prod/Deployment/web', ['k8s/prod/web.yaml:1'], { namespace: 'prod', replicas: 2 }),
    node('workload:prod/Deployment/worker', 'workload', 'orchestrator', 'prod/Deployment/worker', ['k8s/prod/worker.yaml:1'], {
      namespace: 'prod',
      replicas: 1,
    }),
    node('workload:prod/StatefulSet/redis', 'workload', 'orchestrator', 'prod/StatefulSet/redis', ['k8s/prod/redis.yaml:1'], {
      namespace: 'prod',
      replicas: 1,
    }),
    node('workload:staging/Deployment/api', 'workload', 'orchestrator', 'staging/Deployment/api', ['k8s/staging/api.yaml:1'], {
      namespace: 'staging',
      replicas: 1,
    }),
    node('node:ip-10-0-1-5', 'node', 'host', 'ip-10-0-1-5', ['cluster prod-eu'], {
      osImage: 'Bottlerocket OS 1.19.2',
      kernelVersion: '6.1.82',
      containerRuntimeVersion: 'containerd://1.6.31',
      kubeletVersion: 'v1.29.4',
      cloud: 'aws',
    }),
    node('node:ip-10-0-1-6', 'node', 'host', 'ip-10-0-1-6', ['cluster prod-eu'], {
      osImage: 'Bottlerocket OS 1.19.2',
      kernelVersion: '6.1.82',
      containerRuntimeVersion: 'containerd://1.6.31',
      kubeletVersion: 'v1.29.4',
      cloud: 'aws',
    }),
    node('node:ip-10-0-2-7', 'node', 'host', 'ip-10-0-2-7', ['cluster prod-eu'], {
      osImage: 'Ubuntu 20.04.6 LTS',
      kernelVersion: '5.4.0-1103-aws',
      containerRuntimeVersion: 'containerd://1.6.12',
      kubeletVersion: 'v1.27.9',
      cloud: 'aws',
    }),
  ];
  const edges: LifecycleEdge[] = [
    edge('repository:apps/api', 'contains', 'dockerfile:apps/api/Dockerfile'),
    edge('repository:apps/api', 'contains', 'pipeline:jenkins:apps/api/Jenkinsfile'),
    edge('repository:apps/web', 'contains', 'dockerfile:apps/web/Dockerfile'),
    edge('repository:apps/web', 'contains', 'pipeline:github:apps/web/.github/workflows/build.yml'),
    edge('repository:apps/worker', 'contains', 'dockerfile:apps/worker/Dockerfile'),
    edge('repository:apps/worker', 'contains', 'pipeline:gitlab:apps/worker/.gitlab-ci.yml'),
    edge('pipeline:jenkins:apps/api/Jenkinsfile', 'uses', 'dockerfile:apps/api/Dockerfile', { where: 'apps/api/Jenkinsfile:14' }),
    edge('pipeline:github:apps/web/.github/workflows/build.yml', 'uses', 'dockerfile:apps/web/Dockerfile', {
      where: 'apps/web/.github/workflows/build.yml:22',
    }),
    edge('pipeline:gitlab:apps/worker/.gitlab-ci.yml', 'uses', 'dockerfile:apps/worker/Dockerfile', { where: 'apps/worker/.gitlab-ci.yml:9' }),
    edge('pipeline:jenkins:apps/api/Jenkinsfile', 'pushes-to', api, { tag: '1.4.2' }),
    edge('pipeline:github:apps/web/.github/workflows/build.yml', 'pushes-to', web, { tag: 'latest' }),
    edge('pipeline:gitlab:apps/worker/.gitlab-ci.yml', 'pushes-to', worker, { tag: '${CI_COMMIT_SHA}', certain: false }),
    edge('dockerfile:apps/api/Dockerfile', 'builds', api),
    edge('dockerfile:apps/web/Dockerfile', 'builds', web),
    edge('dockerfile:apps/worker/Dockerfile', 'builds', worker),
    edge('dockerfile:apps/api/Dockerfile', 'based-on', nodeParent, { tag: '20-bookworm', stage: 'runtime' }),
    edge('dockerfile:apps/web/Dockerfile', 'based-on', nodeParent, { tag: '20-alpine' }),
    edge('dockerfile:apps/worker/Dockerfile', 'based-on', pythonParent, { tag: '3.12-slim' }),
    edge(nodeParent, 'stored-in', 'registry:docker.io'),
    edge(pythonParent, 'stored-in', 'registry:docker.io'),
    edge(redis, 'stored-in', 'registry:docker.io'),
    edge(api, 'stored-in', 'registry:registry.example.com'),
    edge(web, 'stored-in', 'registry:registry.example.com'),
    edge(worker, 'stored-in', 'registry:registry.example.com'),
    edge('workload:prod/Deployment/api', 'pulled-from', api, { tag: '1.4.2' }),
    edge('workload:staging/Deployment/api', 'pulled-from', api, { tag: 'latest' }),
    edge('workload:prod/Deployment/web', 'pulled-from', web, { tag: 'latest' }),
    edge('workload:prod/Deployment/worker', 'pulled-from', worker, { digest: 'sha256:3c4d5e6f7081' }),
    edge('workload:prod/StatefulSet/redis', 'pulled-from', redis, { tag: '7' }),
    edge('cluster:prod-eu', 'runs', 'workload:prod/Deployment/api'),
    edge('cluster:prod-eu', 'runs', 'workload:prod/Deployment/web'),
    edge('cluster:prod-eu', 'runs', 'workload:prod/Deployment/worker'),
    edge('cluster:prod-eu', 'runs', 'workload:prod/StatefulSet/redis'),
    edge('cluster:prod-eu', 'runs', 'workload:staging/Deployment/api'),
    edge('cluster:prod-eu', 'hosted-on', 'node:ip-10-0-1-5'),
    edge('cluster:prod-eu', 'hosted-on', 'node:ip-10-0-1-6'),
    edge('cluster:prod-eu', 'hosted-on', 'node:ip-10-0-2-7'),
  ];
  return {
    schema: 'shipshape/lifecycle-map@1',
    generatedAt: at,
    inputs: {
      sources: ['src/apps'],
      registries: ['registry.example.com'],
      unscannedRegistries: [{ registry: 'mirror.example.com', reason: 'connect ECONNREFUSED 10.0.0.9:443' }],
      workloads: ['k8s/prod', 'k8s/staging'],
      config: 'estate/shipshape.yaml',
    },
    nodes,
    edges,
    findings: [
      mapFinding(
        'SS-MAP-001',
        'HIGH',
        'Workload runs an image no pipeline builds',
        'prod/StatefulSet/redis runs docker.io/library/redis:7, which no pipeline of the estate builds or mirrors',
        'k8s/prod/redis.yaml',
        ['workload:prod/StatefulSet/redis', redis],
      ),
      mapFinding(
        'SS-MAP-002',
        'MEDIUM',
        'Production pulls a mutable tag',
        'prod/Deployment/web pulls registry.example.com/team/web:latest',
        'k8s/prod/web.yaml',
        ['workload:prod/Deployment/web', web],
      ),
      mapFinding(
        'SS-MAP-004',
        'LOW',
        'Pushed tag could not be resolved',
        'the GitLab pipeline pushes ${CI_REGISTRY_IMAGE}:${CI_COMMIT_SHA}',
        'apps/worker/.gitlab-ci.yml',
        ['pipeline:gitlab:apps/worker/.gitlab-ci.yml'],
      ),
    ],
    unknowns: [
      {
        node: 'pipeline:gitlab:apps/worker/.gitlab-ci.yml',
        value: '${CI_REGISTRY_IMAGE}:${CI_COMMIT_SHA}',
        variables: ['CI_REGISTRY_IMAGE', 'CI_COMMIT_SHA'],
        where: 'apps/worker/.gitlab-ci.yml:31',
        reason: 'unresolved variables CI_REGISTRY_IMAGE, CI_COMMIT_SHA in the pushed image',
      },
    ],
    diagnostics: [{ level: 'warning', code: 'manifest.unreadable', message: 'k8s/prod/legacy.yaml: not valid YAML (line 4)', where: 'k8s/prod/legacy.yaml' }],
  };
}

interface ControlSpec {
  id: string;
  title: string;
  status: ControlStatus;
  summary: string;
  weight?: number;
  evidence?: Evidence[];
  changes?: ProposedChange[];
  accepted?: string;
}

function ev(text: string, where: string | undefined, nodes: string[], ok: boolean, findings: string[] = []): Evidence {
  return { text, where, nodes, findings, ok };
}

function change(summary: string, file: string | undefined, line: number | undefined, snippet: string | undefined, nodes: string[]): ProposedChange {
  return { summary, file, line, snippet, edits: [], nodes };
}

/** A change with its file edits and, where the files were at hand, their patch and the rules it clears. */
function patched(base: ProposedChange, edits: FileEdit[], patch: string | undefined, rules: string[]): ProposedChange {
  return { ...base, edits, patch, rules };
}

const digest = 'sha256:5f2c0a8e1d3b4c6a7e9f0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4';

/** The pin of apps/api/Dockerfile's FROM, as `unifiedDiff` writes it. */
export const samplePinPatch = `diff --git a/apps/api/Dockerfile b/apps/api/Dockerfile
--- a/apps/api/Dockerfile
+++ b/apps/api/Dockerfile
@@ -1,4 +1,4 @@
-FROM node:20-bookworm
+FROM node:20-bookworm@${digest}
 WORKDIR /app
 COPY package*.json ./
 RUN npm ci --omit=dev
`;

const securityContextPatch = `diff --git a/k8s/prod/web.yaml b/k8s/prod/web.yaml
--- a/k8s/prod/web.yaml
+++ b/k8s/prod/web.yaml
@@ -25,6 +25,8 @@ spec:
       containers:
         - name: web
           image: registry.example.com/team/web:latest
+          securityContext:
+            allowPrivilegeEscalation: false
           ports:
             - containerPort: 8080
`;

const phaseOfPrefix: Record<string, Phase> = { B: 'build', D: 'distribute', R: 'run', H: 'host' };

function control(spec: ControlSpec): ControlResult {
  const phase = phaseOfPrefix[spec.id.charAt(7)] ?? 'build';
  return {
    control: {
      id: spec.id,
      phase,
      title: spec.title,
      objective: `${spec.title} across the estate.`,
      evaluation: `Read from the lifecycle map and the ${phase} findings.`,
      references: [{ framework: 'NIST SP 800-190', id: '4.1.1', title: 'Image vulnerabilities' }],
      weight: spec.weight ?? 1,
    },
    status: spec.status,
    summary: spec.summary,
    evidence: spec.evidence ?? [],
    changes: spec.changes ?? [],
    acceptance: spec.accepted ? { reason: spec.accepted, expires: '2025-06-30' } : undefined,
  };
}

function sampleControls(): ControlResult[] {
  const specs: ControlSpec[] = [
    {
      id: 'SS-CTL-B01',
      title: 'Parent images pinned by digest',
      status: 'gap',
      weight: 2,
      summary: '0 of 3 Dockerfiles pin their FROM by digest',
      evidence: [
        ev('FROM node:20-bookworm is a mutable tag', 'apps/api/Dockerfile:1', ['dockerfile:apps/api/Dockerfile', nodeParent], false, ['SS-DF-003']),
        ev('FROM python:3.12-slim is a mutable tag', 'apps/worker/Dockerfile:1', ['dockerfile:apps/worker/Dockerfile', pythonParent], false, ['SS-DF-003']),
      ],
      changes: [
        patched(
          change('Pin the parent image by digest', 'apps/api/Dockerfile', 1, `FROM node:20-bookworm@${digest}`, ['dockerfile:apps/api/Dockerfile']),
          [{ kind: 'substitute', file: 'apps/api/Dockerfile', line: 1, find: 'node:20-bookworm', replace: `node:20-bookworm@${digest}` }],
          samplePinPatch,
          ['SS-DF-003'],
        ),
      ],
    },
    {
      id: 'SS-CTL-B02',
      title: 'Images scanned for vulnerabilities in CI',
      status: 'partial',
      weight: 2,
      summary: '1 of 3 pipelines runs a scanner before pushing',
      evidence: [
        ev('Jenkinsfile runs shipshape scan before push', 'apps/api/Jenkinsfile:20', ['pipeline:jenkins:apps/api/Jenkinsfile'], true),
        ev('No scan step before docker push', 'apps/web/.github/workflows/build.yml:22', ['pipeline:github:apps/web/.github/workflows/build.yml'], false),
      ],
      changes: [
        // edits, but no patch: the files were not at hand where the report was made
        patched(
          change(
            'Add a scan step before the push',
            'apps/web/.github/workflows/build.yml',
            21,
            '      - name: Scan image\n        run: shipshape scan image ${{ env.IMAGE }} --fail-on high',
            ['pipeline:github:apps/web/.github/workflows/build.yml'],
          ),
          [{ kind: 'insert', file: 'apps/web/.github/workflows/build.yml', line: 21, position: 'before', within: 'steps', text: '- name: Scan image' }],
          undefined,
          [],
        ),
      ],
    },
    {
      id: 'SS-CTL-B03',
      title: 'No secrets in images',
      status: 'gap',
      weight: 2,
      summary: 'A private key was found in team/api layer 4',
      evidence: [ev('SS-SEC-004 private key in /app/config/deploy.pem', 'registry.example.com/team/api:1.4.2', [api], false, ['SS-SEC-004'])],
      changes: [
        change('Mount the key as a build secret instead of copying it', 'apps/api/Dockerfile', 12, 'RUN --mount=type=secret,id=deploy_key ./deploy.sh', [
          'dockerfile:apps/api/Dockerfile',
          api,
        ]),
      ],
    },
    {
      id: 'SS-CTL-B04',
      title: 'Builds run as a non-root user',
      status: 'met',
      summary: 'Every final stage sets USER',
      evidence: [ev('USER node', 'apps/api/Dockerfile:18', ['dockerfile:apps/api/Dockerfile'], true)],
    },
    { id: 'SS-CTL-B05', title: 'Provenance generated by the build', status: 'unknown', summary: 'No pipeline output could be read' },
    {
      id: 'SS-CTL-B06',
      title: 'Pipelines pin third-party actions',
      status: 'accepted',
      summary: 'actions/checkout@v4 is a tag',
      accepted: 'GitHub-owned actions are trusted until the org policy lands',
      evidence: [ev('uses: actions/checkout@v4', 'apps/web/.github/workflows/build.yml:12', ['pipeline:github:apps/web/.github/workflows/build.yml'], false)],
    },
    {
      id: 'SS-CTL-D01',
      title: 'Images signed',
      status: 'gap',
      weight: 2,
      summary: 'None of 3 built images has a signature',
      evidence: [ev('No cosign signature for team/api:1.4.2', 'registry.example.com/team/api:1.4.2', [api], false, ['SS-REG-002'])],
      changes: [
        change(
          'Sign after pushing',
          'apps/api/Jenkinsfile',
          31,
          "stage('Sign') {\n  steps { sh 'cosign sign --key env://COSIGN_KEY registry.example.com/team/api@${DIGEST}' }\n}",
          ['pipeline:jenkins:apps/api/Jenkinsfile', api],
        ),
      ],
    },
    {
      id: 'SS-CTL-D02',
      title: 'Registry requires authentication',
      status: 'met',
      summary: 'registry.example.com answers 401 with a Bearer challenge',
      evidence: [ev('GET /v2/ → 401 Bearer', 'registry.example.com', ['registry:registry.example.com'], true)],
    },
    {
      id: 'SS-CTL-D03',
      title: 'Registry served over trusted TLS',
      status: 'met',
      summary: 'Certificate valid for 212 days',
      evidence: [ev('Let’s Encrypt R11, 212 days left', 'registry.example.com', ['registry:registry.example.com'], true)],
    },
    {
      id: 'SS-CTL-D04',
      title: 'Stale images removed',
      status: 'partial',
      summary: 'team/worker has images older than 180 days',
      evidence: [ev('team/worker@sha256:3c4d… created 2024-06-01 (286 days)', 'registry.example.com/team/worker', [worker], false, ['SS-REG-005'])],
    },
    {
      id: 'SS-CTL-D05',
      title: 'Production pulls from the production registry only',
      status: 'gap',
      summary: 'prod/StatefulSet/redis pulls from docker.io',
      evidence: [ev('image: redis:7', 'k8s/prod/redis.yaml:18', ['workload:prod/StatefulSet/redis', redis], false, ['SS-MAP-001'])],
      changes: [
        change(
          'Mirror redis into the production registry and pull it from there',
          'k8s/prod/redis.yaml',
          18,
          '        image: registry.example.com/mirror/redis:7@sha256:9e8d7c6b5a49',
          ['workload:prod/StatefulSet/redis'],
        ),
      ],
    },
    {
      id: 'SS-CTL-R01',
      title: 'Workloads meet the restricted Pod Security Standard',
      status: 'partial',
      weight: 2,
      summary: '3 of 5 workloads meet restricted',
      evidence: [
        ev('allowPrivilegeEscalation not false', 'k8s/prod/web.yaml:27', ['workload:prod/Deployment/web'], false, ['SS-K8S-007']),
        ev('restricted', 'k8s/prod/api.yaml', ['workload:prod/Deployment/api'], true),
      ],
      changes: [
        patched(
          change('Set allowPrivilegeEscalation: false', 'k8s/prod/web.yaml', 27, '          securityContext:\n            allowPrivilegeEscalation: false', [
            'workload:prod/Deployment/web',
          ]),
          [{ kind: 'yaml-merge', file: 'k8s/prod/web.yaml', line: 27, within: 'containers', text: 'securityContext:\n  allowPrivilegeEscalation: false' }],
          securityContextPatch,
          ['SS-K8S-007'],
        ),
      ],
    },
    {
      id: 'SS-CTL-R02',
      title: 'Images deployed by digest',
      status: 'gap',
      summary: '4 of 5 workloads use tags',
      evidence: [ev('image: registry.example.com/team/web:latest', 'k8s/prod/web.yaml:24', ['workload:prod/Deployment/web', web], false, ['SS-MAP-002'])],
    },
    { id: 'SS-CTL-R03', title: 'Resource limits set', status: 'met', summary: 'Every container sets CPU and memory limits' },
    {
      id: 'SS-CTL-R04',
      title: 'Read-only root filesystem',
      status: 'partial',
      summary: 'api and worker are read-only; web and redis are not',
      evidence: [ev('readOnlyRootFilesystem missing', 'k8s/prod/redis.yaml:30', ['workload:prod/StatefulSet/redis'], false, ['SS-K8S-012'])],
    },
    { id: 'SS-CTL-R05', title: 'Network policies isolate namespaces', status: 'unknown', summary: 'NetworkPolicies could not be listed (403)' },
    {
      id: 'SS-CTL-R06',
      title: 'Admission control enforces image policy',
      status: 'accepted',
      summary: 'No admission webhook',
      accepted: 'Kyverno rollout planned for Q2',
      evidence: [ev('no ValidatingWebhookConfiguration', 'cluster:prod-eu', ['cluster:prod-eu'], false)],
    },
    {
      id: 'SS-CTL-H01',
      title: 'Hosts run a container-optimised OS',
      status: 'partial',
      summary: '2 of 3 nodes run Bottlerocket',
      evidence: [
        ev('Ubuntu 20.04.6 LTS', 'node ip-10-0-2-7', ['node:ip-10-0-2-7'], false),
        ev('Bottlerocket OS 1.19.2', 'node ip-10-0-1-5', ['node:ip-10-0-1-5'], true),
      ],
      changes: [
        change(
          'Replace the Ubuntu node group with Bottlerocket',
          undefined,
          undefined,
          'eksctl create nodegroup --cluster prod-eu --node-ami-family Bottlerocket',
          ['node:ip-10-0-2-7'],
        ),
      ],
    },
    {
      id: 'SS-CTL-H02',
      title: 'Kubelet within supported versions',
      status: 'gap',
      summary: 'ip-10-0-2-7 runs kubelet v1.27.9 (end of life)',
      evidence: [ev('kubelet v1.27.9', 'node ip-10-0-2-7', ['node:ip-10-0-2-7'], false)],
    },
    {
      id: 'SS-CTL-H03',
      title: 'Container runtime patched',
      status: 'met',
      summary: 'containerd 1.6.31 on 2 nodes',
      evidence: [ev('containerd://1.6.31', 'node ip-10-0-1-5', ['node:ip-10-0-1-5'], true)],
    },
  ];
  return specs.map(control);
}

function samplePosture(): PostureReport {
  const controls = sampleControls();
  const phases = phaseScores(controls);
  return {
    schema: 'shipshape/posture@1',
    generatedAt: at,
    policy: 'shipshape.yaml',
    controls,
    phases,
    overall: weightedScore(controls) ?? null,
    summary:
      'acme-payments scores 49/100. The biggest gaps: images are not signed (SS-CTL-D01), parent images are not pinned (SS-CTL-B01) and a private key ships in team/api (SS-CTL-B03). Start by removing the key and rotating it, then add signing to the three pipelines.',
  };
}

function finding(
  category: ReportFinding['category'],
  id: string,
  severity: SeverityLevel,
  title: string,
  where: string,
  phase: Phase,
  nodes: string[],
  detail?: string,
): ReportFinding {
  return detail === undefined ? { category, id, severity, title, where, phase, nodes } : { category, id, severity, title, where, phase, nodes, detail };
}

function sampleFindings(): ReportFinding[] {
  return [
    finding(
      'vulnerability',
      'CVE-2024-6387',
      'CRITICAL',
      'openssh-server: regreSSHion race condition',
      'registry.example.com/team/api:1.4.2',
      'distribute',
      [api],
      'openssh-server 1:9.2p1-2+deb12u2 → 1:9.2p1-2+deb12u3',
    ),
    finding(
      'vulnerability',
      'CVE-2023-44487',
      'HIGH',
      'nghttp2: HTTP/2 rapid reset',
      'registry.example.com/team/api:1.4.2',
      'distribute',
      [api],
      'libnghttp2-14 1.52.0-1 → 1.52.0-1+deb12u1',
    ),
    finding(
      'vulnerability',
      'CVE-2024-24790',
      'HIGH',
      'golang net/netip: IPv4-mapped IPv6 misclassified',
      'registry.example.com/team/api:1.4.2',
      'distribute',
      [api],
      'stdlib 1.22.2 → 1.22.4',
    ),
    finding(
      'vulnerability',
      'CVE-2023-52425',
      'MEDIUM',
      'expat: large token reparsing DoS',
      'registry.example.com/team/api:1.4.2',
      'distribute',
      [api],
      'libexpat1 2.5.0-1 → no fix',
    ),
    finding(
      'vulnerability',
      'CVE-2024-45490',
      'HIGH',
      'libexpat: negative length in XML_ParseBuffer',
      'registry.example.com/team/worker:2025.03.1',
      'distribute',
      [worker],
      'libexpat1 2.5.0-1 → 2.5.0-1+deb12u1',
    ),
    finding(
      'vulnerability',
      'GHSA-9wv6-86v2-598j',
      'HIGH',
      'path-to-regexp: ReDoS',
      'registry.example.com/team/web:latest',
      'distribute',
      [web],
      'path-to-regexp 0.1.7 → 0.1.10',
    ),
    finding(
      'vulnerability',
      'CVE-2024-31449',
      'MEDIUM',
      'redis: Lua bit library stack overflow',
      'docker.io/library/redis:7',
      'run',
      [redis, 'workload:prod/StatefulSet/redis'],
      'redis 7.2.4 → 7.2.6',
    ),
    finding(
      'vulnerability',
      'CVE-2022-3715',
      'LOW',
      'bash: heap buffer overflow in valid_parameter_transform',
      'docker.io/library/python:3.12-slim',
      'build',
      [pythonParent],
      'bash 5.2.15-2 → no fix',
    ),
    finding('secret', 'SS-SEC-004', 'CRITICAL', 'Private key', 'registry.example.com/team/api:1.4.2 layer 4: /app/config/deploy.pem', 'distribute', [api]),
    finding(
      'secret',
      'SS-SEC-010',
      'HIGH',
      'AWS access key id',
      'apps/worker/.gitlab-ci.yml:17',
      'build',
      ['pipeline:gitlab:apps/worker/.gitlab-ci.yml'],
      'AKIA************MPLE',
    ),
    finding('misconfiguration', 'SS-DF-003', 'MEDIUM', 'FROM uses a mutable tag', 'apps/api/Dockerfile:1', 'build', ['dockerfile:apps/api/Dockerfile']),
    finding('misconfiguration', 'SS-DF-003', 'MEDIUM', 'FROM uses a mutable tag', 'apps/worker/Dockerfile:1', 'build', ['dockerfile:apps/worker/Dockerfile']),
    finding('misconfiguration', 'SS-K8S-007', 'HIGH', 'allowPrivilegeEscalation not set to false', 'prod/Deployment/web', 'run', [
      'workload:prod/Deployment/web',
    ]),
    finding('misconfiguration', 'SS-K8S-012', 'LOW', 'Root filesystem is writable', 'prod/StatefulSet/redis', 'run', ['workload:prod/StatefulSet/redis']),
    finding('misconfiguration', 'SS-REG-002', 'HIGH', 'Image is not signed', 'registry.example.com/team/api:1.4.2', 'distribute', [api]),
    finding('misconfiguration', 'SS-REG-005', 'LOW', 'Image older than 180 days', 'registry.example.com/team/worker@sha256:3c4d5e6f7081', 'distribute', [
      worker,
    ]),
    finding('lifecycle', 'SS-MAP-001', 'HIGH', 'Workload runs an image no pipeline builds', 'prod/StatefulSet/redis', 'run', [
      'workload:prod/StatefulSet/redis',
      redis,
    ]),
    finding('lifecycle', 'SS-MAP-002', 'MEDIUM', 'Production pulls a mutable tag', 'prod/Deployment/web', 'run', ['workload:prod/Deployment/web', web]),
  ];
}

/** A hostile payload for escaping tests: markup, quotes, pipes, backticks and newlines. */
export const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)> 'q' | pipe \`tick\`\nnewline ]]> --> </svg>`;

/**
 * A patch holding what could break out of its HTML or Markdown: markup that would close the
 * `<details>` and open a script, a run of five backticks, a CRLF line, ESC, NUL, a right-to-left
 * override and an unpaired surrogate. Its hunk counts are right, so it reads as a diff.
 */
export const hostilePatch = `diff --git a/$(reboot).yaml b/$(reboot).yaml
--- a/$(reboot).yaml
+++ b/$(reboot).yaml
@@ -1,2 +1,3 @@
-</details><script>alert(1)</script>
+\`\`\`\`\` fence <img src=x onerror=alert(2)>
+crlf line\r
 esc \x1b[31m nul \0 rlo \u202e gnp.exe lone \ud800 end
`;

/** The sample with hostile text in names, titles, evidence, snippets, patches and findings. */
export function hostileReportInput(): ReportInput {
  const input = sampleReportInput();
  const evil = 'image:registry.example.com/team/api';
  for (const n of input.map.nodes) {
    if (n.id === evil) {
      n.label = `api ${hostile}`;
      n.attributes = { ...n.attributes, note: hostile };
      n.evidence.push(hostile);
    }
  }
  input.title = `Report ${hostile}`;
  input.posture.summary = `Summary ${hostile}`;
  const first = input.posture.controls[0];
  if (first) {
    first.summary = `Control ${hostile}`;
    first.evidence.push({ text: hostile, where: hostile, nodes: [evil], findings: [hostile], ok: false });
    first.changes.push({ summary: hostile, file: hostile, line: 3, snippet: `${hostile}\n\`\`\`\nafter fence`, edits: [], nodes: [evil] });
    first.changes.push({
      summary: `Patched ${hostile}`,
      file: hostile,
      line: 1,
      snippet: undefined,
      edits: [{ kind: 'append', file: hostile, text: hostile }],
      nodes: [evil],
      rules: [hostile],
      patch: hostilePatch,
    });
  }
  input.findings.push({
    category: 'secret',
    id: `SS-SEC-999 ${hostile}`,
    severity: 'HIGH',
    title: hostile,
    where: hostile,
    phase: 'build',
    nodes: [evil],
    detail: hostile,
  });
  return input;
}

/**
 * A generated estate of `teams` repositories (each with a pipeline, a Dockerfile, an image and one or
 * two workloads), a few shared parents, a cluster on some nodes, and some repositories left
 * unconnected, as real estates have. Seeded: the same every run.
 */
export function generatedMap(teams: number, rng: () => number): LifecycleMap {
  const nodes: LifecycleNode[] = [];
  const edges: LifecycleEdge[] = [];
  const parents = ['node', 'python', 'golang', 'alpine', 'debian'].map((name) => `image:docker.io/library/${name}`);
  for (const parent of parents) nodes.push(node(parent, 'image', 'parent-registry', parent.slice(6), [], { role: 'parent' }));
  nodes.push(
    node('registry:docker.io', 'registry', 'parent-registry', 'docker.io', []),
    node('registry:reg.example', 'registry', 'registry', 'reg.example', []),
  );
  nodes.push(node('cluster:prod', 'cluster', 'orchestrator', 'prod', []));
  for (const parent of parents) edges.push(edge(parent, 'stored-in', 'registry:docker.io'));
  for (let h = 0; h < 6; h++) {
    nodes.push(node(`node:host-${h}`, 'node', 'host', `host-${h}`, []));
    edges.push(edge('cluster:prod', 'hosted-on', `node:host-${h}`));
  }
  for (let t = 0; t < teams; t++) {
    const name = `team-${t}/service-${Math.floor(rng() * 1000)}`;
    const repo = `repository:${name}`;
    nodes.push(node(repo, 'repository', 'source', name, []));
    if (rng() < 0.15) continue; // a repository with nothing the map can follow
    const pipeline = `pipeline:ci:${name}`;
    const dockerfile = `dockerfile:${name}/Dockerfile`;
    const image = `image:reg.example/${name}`;
    nodes.push(
      node(pipeline, 'pipeline', 'ci', `CI ${name}`, []),
      node(dockerfile, 'dockerfile', 'build', `${name}/Dockerfile`, []),
      node(image, 'image', 'registry', `reg.example/${name}`, []),
    );
    edges.push(
      edge(repo, 'contains', pipeline),
      edge(repo, 'contains', dockerfile),
      edge(pipeline, 'uses', dockerfile),
      edge(pipeline, 'pushes-to', image),
      edge(dockerfile, 'builds', image),
      edge(dockerfile, 'based-on', parents[Math.floor(rng() * parents.length)] ?? 'image:docker.io/library/node'),
      edge(image, 'stored-in', 'registry:reg.example'),
    );
    const workloads = rng() < 0.2 ? 0 : rng() < 0.7 ? 1 : 2;
    for (let w = 0; w < workloads; w++) {
      const workload = `workload:${w ? 'staging' : 'prod'}/Deployment/${name.replace('/', '-')}`;
      nodes.push(node(workload, 'workload', 'orchestrator', workload.slice(9), []));
      edges.push(edge(workload, 'pulled-from', image), edge('cluster:prod', 'runs', workload));
    }
  }
  return {
    schema: 'shipshape/lifecycle-map@1',
    generatedAt: at,
    inputs: { sources: [], registries: [], unscannedRegistries: [], workloads: [], config: null },
    nodes,
    edges,
    findings: [],
    unknowns: [],
    diagnostics: [],
  };
}
