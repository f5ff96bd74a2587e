import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { buildLifecycleMap } from './map.js';
import type { Trace, TraceHop } from './model.js';
import { messyEstate } from './test-estate.js';
import { traceLifecycle } from './trace.js';

const map = buildLifecycleMap(messyEstate(), new Date('2026-01-03T00:00:00Z'));
const line = (path: TraceHop[]): string => path.map((hop) => `${hop.via?.kind ?? '?'}>${hop.node.id}`).join(' ');
const lines = (trace: Trace) => ({
  start: trace.start.id,
  upstream: trace.upstream.map(line),
  downstream: trace.downstream.map(line),
  breaks: trace.breaks.map((b) => b.ruleId),
});

describe('traceLifecycle', () => {
  it('walks a workload back through the promotion, the build and its parents, and on to its hosts', () => {
    expect(lines(traceLifecycle(map, 'api'))).toEqual({
      start: 'workload:prod/Deployment/api',
      upstream: [
        'pulled-from>image:prod.example.com/payments/api stored-in>registry:prod.example.com pushes-to>pipeline:gitlab-ci:platform/release/.gitlab-ci.yml contains>repository:platform/release',
        'pulled-from>image:prod.example.com/payments/api stored-in>registry:prod.example.com copied-from>image:registry.example.com/team/api stored-in>registry:registry.example.com pushes-to>pipeline:jenkins:apps/api/Jenkinsfile builds>dockerfile:apps/api/Dockerfile based-on>image:gcr.io/distroless/static-debian12 stored-in>registry:gcr.io',
        'pulled-from>image:prod.example.com/payments/api stored-in>registry:prod.example.com copied-from>image:registry.example.com/team/api stored-in>registry:registry.example.com pushes-to>pipeline:jenkins:apps/api/Jenkinsfile builds>dockerfile:apps/api/Dockerfile based-on>image:docker.io/library/golang stored-in>registry:docker.io',
      ],
      downstream: ['runs>cluster:manifests hosted-on>node:ip-10-0-1-5'],
      // the debug image's SS-MAP-003 names the same pipeline but is not on these paths
      breaks: ['SS-MAP-004', 'SS-MAP-005'],
    });
  });

  it('accepts the workload as namespace/Kind/name, Kind/name and node id, and the image by reference', () => {
    for (const query of ['prod/Deployment/api', 'Deployment/api', 'deployment/api', 'workload:prod/Deployment/api'])
      expect(traceLifecycle(map, query).start.id).toBe('workload:prod/Deployment/api');
    expect(traceLifecycle(map, 'prod.example.com/payments/api:1.4.2').start.id).toBe('image:prod.example.com/payments/api');
    expect(traceLifecycle(map, 'Prod.Example.com/payments/api').start.id).toBe('image:prod.example.com/payments/api');
  });

  it('walks a parent image forward to every image built on it and the workloads running those', () => {
    expect(lines(traceLifecycle(map, 'golang'))).toEqual({
      start: 'image:docker.io/library/golang',
      upstream: ['stored-in>registry:docker.io'],
      downstream: [
        'based-on>dockerfile:apps/api/Dockerfile builds>image:registry.example.com/team/api copied-from>image:prod.example.com/payments/api pulled-from>workload:prod/Deployment/api runs>cluster:manifests',
        'based-on>dockerfile:apps/api/Dockerfile builds>image:prod.example.com/payments/api pulled-from>workload:prod/Deployment/api runs>cluster:manifests',
      ],
      breaks: ['SS-MAP-004', 'SS-MAP-005'],
    });
  });

  it('follows a mirror back to the public image it copies', () => {
    expect(lines(traceLifecycle(map, 'registry.example.com/mirror/nginx:1.27')).upstream).toEqual([
      'stored-in>registry:registry.example.com pushes-to>pipeline:jenkins:tools/mirror/Jenkinsfile contains>repository:tools/mirror',
      'stored-in>registry:registry.example.com copied-from>image:docker.io/library/nginx stored-in>registry:docker.io',
    ]);
  });

  it('a workload with an unresolvable image has no upstream, and says nothing wrong', () => {
    const trace = traceLifecycle(map, 'legacy');
    expect(trace.upstream.map(line)).toEqual(['pulled-from>image:registry.example.com/team/legacy stored-in>registry:registry.example.com']);
    expect(trace.breaks.map((b) => b.ruleId)).toEqual(['SS-MAP-001']);
  });

  it('an unknown or ambiguous query is a usage error listing candidates', () => {
    expect(() => traceLifecycle(map, 'payments')).toThrow(UsageError);
    expect(() => traceLifecycle(map, 'payments')).toThrow(/nothing on the map matches "payments"/);
    try {
      traceLifecycle(map, 'payments');
    } catch (error) {
      expect((error as UsageError).hint).toMatch(/similar: image:prod\.example\.com\/payments\/api/);
    }
    const twice = {
      ...map,
      nodes: [
        ...map.nodes,
        {
          ...map.nodes.find((n) => n.id === 'workload:prod/Deployment/api')!,
          id: 'workload:staging/Deployment/api',
          attributes: { namespace: 'staging', kind: 'Deployment', name: 'api' },
        },
      ],
    };
    expect(() => traceLifecycle(twice, 'api')).toThrow(/"api" matches 2 nodes: workload:prod\/Deployment\/api, workload:staging\/Deployment\/api/);
    expect(traceLifecycle(twice, 'staging/api').start.id).toBe('workload:staging/Deployment/api');
  });
});

describe('resolveQuery', () => {
  it('prefers workloads and images over other nodes of the same name, which remain reachable by label or id', () => {
    expect(traceLifecycle(map, 'apps/api').start.id).toBe('repository:apps/api');
    expect(traceLifecycle(map, 'registry.example.com').start.id).toBe('registry:registry.example.com');
    const shadowed = {
      ...map,
      nodes: [...map.nodes, { id: 'repository:legacy', kind: 'repository' as const, stage: 'source' as const, label: 'legacy', evidence: [], attributes: {} }],
    };
    expect(traceLifecycle(shadowed, 'legacy').start.id).toBe('workload:prod/Deployment/legacy');
    expect(traceLifecycle(shadowed, 'repository:legacy').start.id).toBe('repository:legacy');
  });
});
