import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { brief } from '../buildtime/ci/test-brief.js';
import { checkCompose } from '../runtime/compose/check.js';
import { collectEstate } from './collect.js';
import { loadShipshapeConfig } from './config.js';
import type { EstateEvidence } from './estate-model.js';
import { buildLifecycleMap } from './map.js';
import type { LifecycleEdge, LifecycleMap } from './model.js';
import { assessPosture } from './posture/assess.js';
import { defaultPolicy } from './posture/policy.js';

// The third example estate: scripted Jenkins (plugin and plain docker), build-push-action, buildah
// in GitLab with stages and needs, TeamCity dockerCommand (README.md of the estate tells its story).
const estate = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/estate-mixed');
const registry = 'registry.northwind.example';

let evidence: EstateEvidence;
let map: LifecycleMap;
let allowedRegistries: string[];

beforeAll(async () => {
  const config = await loadShipshapeConfig(path.join(estate, 'shipshape.yaml'));
  allowedRegistries = config.allowedRegistries ?? [];
  evidence = await collectEstate({ sources: config.sources, manifests: config.manifests, registryReports: [], gitlab: config.gitlab, allowedRegistries });
  map = buildLifecycleMap(evidence, new Date('2026-01-03T00:00:00Z'));
});

/** Each repository's chain: its pipeline, the Dockerfile it builds, the image it pushes and the workload running it. */
const chains = [
  {
    repository: 'billing-worker',
    pipeline: 'pipeline:teamcity:billing-worker/.teamcity/settings.kts#BillingWorkerImage',
    dockerfile: 'billing-worker/Dockerfile',
    image: `${registry}/finance/billing-worker`,
    tag: '5.1.0',
    workload: 'freight/Deployment/billing-worker',
  },
  {
    repository: 'customer-portal',
    pipeline: 'pipeline:github-actions:customer-portal/.github/workflows/ci.yml',
    dockerfile: 'customer-portal/Dockerfile',
    image: `${registry}/freight/customer-portal`,
    tag: '2.0.3',
    workload: 'freight/Deployment/customer-portal',
  },
  {
    repository: 'rate-engine',
    pipeline: 'pipeline:gitlab-ci:rate-engine/.gitlab-ci.yml',
    dockerfile: 'rate-engine/Dockerfile',
    image: `${registry}/freight/rate-engine`,
    tag: '1.8.2',
    workload: 'freight/Deployment/rate-engine',
  },
  {
    repository: 'scanner-agent',
    pipeline: 'pipeline:jenkins:scanner-agent/Jenkinsfile',
    dockerfile: 'scanner-agent/docker/Dockerfile',
    image: `${registry}/depots/scanner-agent`,
    tag: '0.9.7',
    workload: 'depots/DaemonSet/scanner-agent',
  },
  {
    repository: 'tracking-api',
    pipeline: 'pipeline:jenkins:tracking-api/Jenkinsfile',
    dockerfile: 'tracking-api/Dockerfile',
    image: `${registry}/freight/tracking-api`,
    tag: '3.4.1',
    workload: 'freight/Deployment/tracking-api',
  },
];

function edge(kind: LifecycleEdge['kind'], from: string, to: string): LifecycleEdge[] {
  return map.edges.filter((e) => e.kind === kind && e.from === from && e.to === to);
}

describe('examples/estate-mixed', () => {
  it('recognises every pipeline with its build and push steps, and says nothing it could not read', () => {
    expect(Object.fromEntries(evidence.build.pipelines.map((p) => [p.id, brief(p)]))).toEqual({
      // the dockerSupport feature logs in through the project's dockerRegistry connection; the scan gates the push
      'teamcity:billing-worker/.teamcity/settings.kts#BillingWorkerImage': [
        `0 L87 [dockerSupport] login ${registry}`,
        `1 L48 [Build image] build teamcity-docker file=Dockerfile ctx=. tags=[${registry}/finance/billing-worker:5.1.0] push=false`,
        `2 L62 [Scan image] scan trivy image=${registry}/finance/billing-worker:5.1.0 gating=true`,
        `3 L65 [Push image] push teamcity-docker ${registry}/finance/billing-worker:5.1.0`,
        `4 L74 [Sign image] sign cosign image=${registry}/finance/billing-worker:5.1.0 gating=undefined`,
      ],
      // the matrix test job and the local composite action build nothing; build-push-action builds and pushes at once
      'github-actions:customer-portal/.github/workflows/ci.yml': [
        `0 L41 [image/Log in to the Northwind registry] login ${registry}`,
        `1 L48 [image/Build and push] build build-push-action file=Dockerfile ctx=. tags=[${registry}/freight/customer-portal:2.0.3 | ${registry}/freight/customer-portal:sha-\${github.sha} ?{github.sha}] push=true`,
      ],
      // $CI_REGISTRY_IMAGE from shipshape.yaml's gitlab:; the scan job needs the build job and may fail
      'gitlab-ci:rate-engine/.gitlab-ci.yml': [
        `0 L27 [build-image] login ${registry}`,
        `1 L28 [build-image] build buildah file=Dockerfile ctx=. tags=[${registry}/freight/rate-engine:1.8.2] push=false`,
        `2 L29 [build-image] push buildah ${registry}/freight/rate-engine:1.8.2`,
        `3 L43 [container-scan] scan trivy image=${registry}/freight/rate-engine:1.8.2 gating=false`,
      ],
      'jenkins:scanner-agent/Jenkinsfile': [
        `0 L13 [Build] build docker file=docker/Dockerfile ctx=. tags=[${registry}/depots/scanner-agent:0.9.7] push=false`,
        `1 L18 [Push] login ${registry}`,
        `2 L19 [Push] push docker ${registry}/depots/scanner-agent:0.9.7`,
        `3 L21 [Push] tag ${registry}/depots/scanner-agent:0.9.7 -> ${registry}/depots/scanner-agent:stable push=false`,
        `4 L21 [Push] push docker ${registry}/depots/scanner-agent:stable`,
      ],
      // docker.build inside docker.withRegistry: the image is known by its name in that registry
      'jenkins:tracking-api/Jenkinsfile': [
        `0 L17 [] login ${registry}`,
        `1 L19 [Build image] build docker-pipeline file=Dockerfile ctx=. tags=[${registry}/freight/tracking-api:3.4.1] push=false`,
        '2 L25 [Scan image] scan trivy image=freight/tracking-api:3.4.1 gating=false',
        `3 L29 [Publish] push docker-pipeline ${registry}/freight/tracking-api:3.4.1`,
        `4 L30 [Publish] tag ${registry}/freight/tracking-api:3.4.1 -> ${registry}/freight/tracking-api:latest push=true`,
      ],
    });
    for (const pipeline of evidence.build.pipelines) expect(pipeline.diagnostics, pipeline.id).toEqual([]);
    expect(evidence.build.pipelines.flatMap((p) => p.unknownVariables)).toEqual(['github.sha']);
  });

  it('reads every Dockerfile, manifest and the compose file without a diagnostic', async () => {
    expect(evidence.diagnostics ?? []).toEqual([]);
    expect(map.diagnostics).toEqual([]);
    expect(evidence.build.repositories).toEqual(chains.map((c) => c.repository));
    expect(evidence.build.dockerfiles.map((d) => d.file)).toEqual(chains.map((c) => c.dockerfile));
    for (const dockerfile of evidence.build.dockerfiles) {
      expect(dockerfile.findings.filter((f) => f.ruleId === 'SS-DF-038').map((f) => f.message)).toEqual([]);
      expect(dockerfile.froms.flatMap((f) => f.unknowns)).toEqual([]);
    }
    // the one Dockerfile that is already fine
    expect(evidence.build.dockerfiles.find((d) => d.file === 'billing-worker/Dockerfile')?.findings).toEqual([]);
    const objects = (evidence.run?.objects ?? []).map((o) => `${o.kind}/${o.namespace ?? ''}/${o.name}`).sort();
    expect(objects).toEqual([
      'DaemonSet/depots/scanner-agent',
      'Deployment/freight/billing-worker',
      'Deployment/freight/customer-portal',
      'Deployment/freight/rate-engine',
      'Deployment/freight/tracking-api',
      'Namespace//depots',
      'Namespace//freight',
      'NetworkPolicy/freight/default-deny-ingress',
      'NetworkPolicy/freight/portal-to-backends',
      'Service/freight/customer-portal',
      'Service/freight/tracking-api',
    ]);
    // the map does not read compose files; `shipshape compose check` does
    const compose = path.join(estate, 'repos/scanner-agent/docker-compose.yml');
    const checked = checkCompose(compose, await readFile(compose, 'utf8'));
    expect(checked.diagnostics).toEqual([]);
    expect(checked.findings.filter((f) => f.ruleId === 'SS-CMP-001').map((f) => f.location.startLine)).toEqual([6]);
  });

  it('links each repository to its pipeline, Dockerfile, image and workload', () => {
    for (const chain of chains) {
      const image = `image:${chain.image}`;
      const workload = `workload:${chain.workload}`;
      const dockerfile = `dockerfile:${chain.dockerfile}`;
      const links = [
        edge('contains', `repository:${chain.repository}`, chain.pipeline),
        edge('contains', `repository:${chain.repository}`, dockerfile),
        edge('uses', chain.pipeline, dockerfile),
        edge('builds', dockerfile, image),
        edge('pushes-to', chain.pipeline, image),
        edge('pulled-from', workload, image),
      ];
      expect(
        links.map((found) => found.length > 0),
        chain.repository,
      ).toEqual([true, true, true, true, true, true]);
      // the tag the workload runs is one the pipeline pushes
      expect(edge('pushes-to', chain.pipeline, image).map((e) => e.attributes.tag)).toContain(chain.tag);
      expect(edge('pulled-from', workload, image).map((e) => e.attributes.tag)).toEqual([chain.tag]);
    }
    // no running image without a known pipeline, no unknown but the commit SHA of one tag
    expect(map.findings.filter((f) => f.ruleId === 'SS-MAP-001')).toEqual([]);
    expect(map.unknowns.map((u) => [u.node, u.variables])).toEqual([['pipeline:github-actions:customer-portal/.github/workflows/ci.yml', ['github.sha']]]);
  });

  it('has the gaps it is written to have', () => {
    const report = assessPosture(evidence, map, { policy: { ...defaultPolicy, allowedRegistries }, now: new Date('2026-01-03T00:00:00Z') });
    const status = new Map(report.controls.map((c) => [c.control.id.replace('SS-CTL-', ''), c.status]));
    for (const id of ['B02', 'B04', 'B05', 'B06', 'B07', 'B08', 'R01', 'R02', 'R03', 'R05', 'R06'])
      expect(['gap', 'partial'], `${id} is ${status.get(id) ?? 'missing'}`).toContain(status.get(id));
  });
});
