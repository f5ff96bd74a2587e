import { dedent } from '../../../test-support/text.js';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadManifests } from '../../../runtime/manifests/load.js';
import { checkWorkloads } from '../../../runtime/rules/check.js';
import { applyChange } from '../apply.js';
import type { ProposedChange } from '../model.js';
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
    const policies = parseAllDocuments(outcome.changes[0]?.snippet ?? '');
    const metadata = (Array.isArray(policies) ? policies : []).map((d) => (d.toJS() as { metadata: Record<string, unknown> }).metadata);
    expect(metadata).toEqual([
      { name: 'default-deny', namespace },
      { name: 'allow-dns', namespace },
    ]);
    // such a name is no namespace: no file is named after it
    expect(outcome.changes[0]?.edits).toEqual([]);
  });

  it("creates the default-deny with a DNS allow next to the namespace's manifests: read again, every pod is selected and SS-K8S-013 is gone", () => {
    const evidence = run(workload('api', 'api'), { sources: ['k8s'] }, 'k8s/shop/api.yaml');
    const outcome = networkPolicies.evaluate(context(estate({ run: evidence })));
    const change = outcome.changes[0] as ProposedChange;
    expect(change).toMatchObject({ file: 'k8s/shop/shop-default-deny.yaml', rules: ['SS-K8S-013'] });
    expect(change.summary).toContain('DNS egress to kube-dns');
    const files = applyChange(change, () => '');
    const objects = [...evidence.objects, ...loadManifests([...files].map(([name, text]) => ({ name, text }))).objects];
    expect(objects.map((o) => `${o.kind}/${o.name ?? ''}`)).toEqual(['Deployment/api', 'NetworkPolicy/default-deny', 'NetworkPolicy/allow-dns']);
    const again = networkPolicies.evaluate(context(estate({ run: { ...evidence, objects } })));
    expect(again).toMatchObject({ status: 'met', changes: [] });
    expect(again.evidence[0]?.text).toContain('with a default-deny for ingress and egress');
    expect(checkWorkloads(objects).filter((f) => f.ruleId === 'SS-K8S-013')).toEqual([]);
  });

  it('does not reuse a policy name the namespace has, and says which flows stop', () => {
    const named = forApi.replace('name: api', 'name: default-deny');
    const outcome = networkPolicies.evaluate(context(estate({ run: run(`${workload('api', 'api')}---\n${workload('web', 'web')}---\n${named}`) })));
    expect(outcome.changes[0]?.snippet).toContain('name: shipshape-default-deny');
    expect(outcome.changes[0]?.summary).toContain('the traffic default-deny lets in, whose sources now need an egress allow');
    expect(outcome.changes[0]?.rules).toEqual([]);
  });
});
