import { dedent } from '../../../test-support/text.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { context, estate, mapOf, run } from '../test-evidence.js';
import { networkPolicies } from './r05-network-policies.js';

const workload = (name: string, app: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels:\n        app: ${app}\n    spec:\n      containers:\n        - name: c\n          image: r.example/${name}:1\n`;
const denyAll = dedent`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: default-deny
      namespace: shop
    spec:
      podSelector: {}
      policyTypes: [Ingress, Egress]
  `;
const forApi = dedent`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: api
      namespace: shop
    spec:
      podSelector:
        matchExpressions:
          - { key: app, operator: In, values: [api] }
      ingress:
        - {}
  `;

describe('SS-CTL-R05 network policies', () => {
  it('is met with a default-deny selecting every pod', () => {
    const outcome = networkPolicies.evaluate(context(estate({ run: run(`${workload('api', 'api')}---\n${denyAll}`) })));
    expect(outcome.status).toBe('met');
    expect(outcome.evidence[0]?.text).toContain('default-deny for ingress and egress');
  });

  it('is partial when some pods are selected by nothing', () => {
    const outcome = networkPolicies.evaluate(
      context(estate({ run: run(`${workload('api', 'api')}---\n${workload('web', 'web')}---\n${forApi}`) }), {
        map: mapOf(['workload:shop/Deployment/api', 'workload:shop/Deployment/web']),
      }),
    );
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]?.text).toContain('1 of 2 workloads are selected by no NetworkPolicy (Deployment/web)');
    expect(outcome.evidence[0]?.nodes).toEqual(['workload:shop/Deployment/web']);
  });

  it('is a gap without any policy, proposing the default-deny for the namespace', () => {
    const outcome = networkPolicies.evaluate(context(estate({ run: run(workload('api', 'api')) })));
    expect(outcome.status).toBe('gap');
    expect(outcome.changes[0]?.snippet).toContain('  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]');
  });

  it('escapes a hostile namespace name in the YAML it proposes', () => {
    const namespace = 'shop\n  labels: {evil: "yes"} # \'';
    const outcome = networkPolicies.evaluate(
      context(estate({ run: run(workload('api', 'api').replace('namespace: shop', `namespace: ${JSON.stringify(namespace)}`)) })),
    );
    const policy = parse(outcome.changes[0]?.snippet ?? '') as { metadata: Record<string, unknown> };
    expect(policy.metadata).toEqual({ name: 'default-deny', namespace });
  });
});
