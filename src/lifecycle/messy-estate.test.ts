import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectEstate } from './collect.js';
import { loadShipshapeConfig } from './config.js';
import { buildLifecycleMap } from './map.js';
import type { LifecycleEdge, LifecycleMap } from './model.js';
import { traceLifecycle } from './trace.js';

// The example estate shipped with the project: what its README says the map shows.
const estate = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/estate-messy');
const checkout = 'image:registry.shop.internal/shop/checkout';
const jenkins = 'pipeline:jenkins:release-tools/Jenkinsfile';

let map: LifecycleMap;

beforeAll(async () => {
  const config = await loadShipshapeConfig(path.join(estate, 'shipshape.yaml'));
  const evidence = await collectEstate({ sources: config.sources, manifests: config.manifests, registryReports: [], gitlab: config.gitlab });
  map = buildLifecycleMap(evidence, new Date('2026-01-03T00:00:00Z'));
});

function edges(kind: LifecycleEdge['kind'], to: string): LifecycleEdge[] {
  return map.edges.filter((e) => e.kind === kind && e.to === to);
}

describe('the lifecycle map of examples/estate-messy', () => {
  it('resolves the Jenkins retag tag from the VERSION parameter default, marked as resting on it', () => {
    expect(edges('pushes-to', checkout)).toEqual([
      {
        from: jenkins,
        to: checkout,
        kind: 'pushes-to',
        attributes: { tag: '1.0.0', where: 'release-tools/Jenkinsfile:11', step: 'Promote', certain: false, assumed: ['params.VERSION'] },
      },
    ]);
    // the retag's source build is the GitLab pipeline's, from the checkout Dockerfile
    expect(edges('builds', checkout).map((e) => e.attributes)).toEqual([
      {
        tag: '1.0.0',
        pipeline: 'pipeline:gitlab-ci:checkout/.gitlab-ci.yml',
        via: jenkins,
        where: 'release-tools/Jenkinsfile:11',
        certain: false,
        assumed: ['params.VERSION'],
      },
    ]);
    expect(edges('builds', checkout).map((e) => e.from)).toEqual(['dockerfile:checkout/Dockerfile']);
    expect(
      edges('copied-from', 'image:registry.shop.internal/staging/checkout').map((e) => [
        e.from,
        e.attributes.tag,
        e.attributes.fromTag,
        e.attributes.certain,
        e.attributes.assumed,
      ]),
    ).toEqual([[checkout, '1.0.0', 'rc', false, ['params.VERSION']]]);
    // nothing about the parameter stays unknown, and the pipeline reads no unknown variable
    expect(map.unknowns.filter((u) => u.variables.some((v) => v.includes('VERSION')))).toEqual([]);
    expect(map.nodes.find((n) => n.id === jenkins)?.attributes.unknownVariables).toEqual([]);
  });

  it('matches the workload pulling shop/checkout:1.0.0 to the tag the retag pushes', () => {
    const pulls = edges('pulled-from', checkout);
    expect(pulls.map((e) => [e.from, e.attributes.tag])).toEqual([['workload:shop-prod/Deployment/checkout', '1.0.0']]);
    expect(pulls[0]?.attributes.tag).toBe(edges('pushes-to', checkout)[0]?.attributes.tag);
    // the pull itself is as written in the manifest: certain
    expect(pulls[0]?.attributes.certain).toBeUndefined();
    // it has a known provenance: no SS-MAP-001 on it, and it is traced back to the checkout Dockerfile
    expect(map.findings.filter((f) => f.nodes.includes(checkout)).map((f) => f.ruleId)).toEqual([]);
    // (`?` marks a hop that is not certain: the promotion rests on the parameter default)
    const trace = traceLifecycle(map, 'shop-prod/Deployment/checkout');
    expect(
      trace.upstream.map((p) => p.map((hop) => `${hop.via?.kind ?? ''}${hop.via?.attributes.certain === false ? '?' : ''}>${hop.node.id}`).join(' ')),
    ).toEqual([
      `pulled-from>${checkout} stored-in>registry:registry.shop.internal pushes-to?>${jenkins} contains>repository:release-tools`,
      `pulled-from>${checkout} stored-in>registry:registry.shop.internal copied-from?>image:registry.shop.internal/staging/checkout stored-in>registry:registry.shop.internal pushes-to>pipeline:gitlab-ci:checkout/.gitlab-ci.yml builds>dockerfile:checkout/Dockerfile based-on?>image:registry.shop.internal/platform/base stored-in>registry:registry.shop.internal`,
    ]);
  });

  it('keeps exact edges exact: the GitLab build of staging/checkout:rc rests on no default', () => {
    const staging = 'image:registry.shop.internal/staging/checkout';
    for (const edge of [...edges('builds', staging), ...edges('pushes-to', staging)]) {
      expect(edge.attributes.tag).toBe('rc');
      expect('certain' in edge.attributes || 'assumed' in edge.attributes).toBe(false);
    }
    expect(edges('pushes-to', staging)).toHaveLength(1);
  });

  it('shows the rest of what the README names: the ARG default, and the unknowns it cannot resolve', () => {
    expect(map.edges.filter((e) => e.kind === 'based-on').map((e) => [e.from, e.to, e.attributes.stage, e.attributes.tag, e.attributes.certain])).toEqual([
      ['dockerfile:cart/Dockerfile', 'image:registry.shop.internal/platform/base', '0', '1.4', undefined],
      ['dockerfile:checkout/Dockerfile', 'image:registry.shop.internal/platform/base', 'deps', '1.4', false],
      ['dockerfile:ledger/Dockerfile', 'image:registry.shop.internal/platform/base', '0', '1.4', undefined],
    ]);
    expect(map.unknowns.map((u) => [u.node, u.variables])).toEqual([
      ['dockerfile:checkout/Dockerfile', ['RUNTIME_IMAGE']],
      ['dockerfile:search/Dockerfile', ['BASE_IMAGE']],
      // the tags of the cart image (built, then pushed) are the commit's; its repository is known ($CI_REGISTRY_IMAGE from gitlab:)
      ['pipeline:gitlab-ci:cart/.gitlab-ci.yml', ['CI_COMMIT_SHORT_SHA']],
      ['pipeline:github-actions:search/.github/workflows/build.yml', ['github.ref_name']],
      ['pipeline:gitlab-ci:cart/.gitlab-ci.yml', ['CI_COMMIT_SHORT_SHA']],
      ['workload:shop-prod/Deployment/recommendations', ['IMAGE']],
    ]);
  });

  it('names the image docker.build builds inside docker.withRegistry in that registry, and no Docker Hub image', () => {
    const ledger = 'image:registry.shop.internal/shop/ledger';
    const pipeline = 'pipeline:jenkins:ledger/Jenkinsfile';
    expect(edges('builds', ledger).map((e) => [e.from, e.attributes.tag])).toEqual([
      ['dockerfile:ledger/Dockerfile', '2.4.0'],
      ['dockerfile:ledger/Dockerfile', 'stable'],
    ]);
    expect(edges('pushes-to', ledger).map((e) => [e.from, e.attributes.tag])).toEqual([
      [pipeline, 'stable'],
      [pipeline, '2.4.0'],
    ]);
    expect(map.nodes.filter((n) => n.kind === 'image' && n.label.includes('ledger')).map((n) => n.id)).toEqual([ledger]);
    expect(map.findings.filter((f) => f.nodes.includes(ledger)).map((f) => f.ruleId)).toEqual([]);
  });

  it("resolves the GitLab pipeline's $CI_REGISTRY_IMAGE from the estate's gitlab: registry and project path", () => {
    const cart = 'image:registry.shop.internal/shop/cart';
    expect(edges('pushes-to', cart).map((e) => [e.from, e.attributes.tag])).toEqual([['pipeline:gitlab-ci:cart/.gitlab-ci.yml', '${CI_COMMIT_SHORT_SHA}']]);
    expect(edges('builds', cart).map((e) => e.from)).toEqual(['dockerfile:cart/Dockerfile']);
    expect(edges('pulled-from', cart).map((e) => e.from)).toEqual(['workload:shop-prod/Deployment/cart']);
    expect(map.findings.filter((f) => f.nodes.includes(cart)).map((f) => f.ruleId)).toEqual([]);
  });
});
