import { networkPolicyInfo } from '../../../runtime/manifests/kinds.js';
import type { NetworkPolicyInfo } from '../../../runtime/manifests/kinds.js';
import type { ProposedChange } from '../model.js';
import { onMap } from '../support/ids.js';
import { byNamespace, podLabels, selects, teamWorkloads } from '../support/k8s.js';
import { yamlScalar } from '../support/quote.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';

/** SS-CTL-R05: every pod is selected by a NetworkPolicy of its namespace (a default-deny one ideally). */
export const networkPolicies: PostureControl = {
  meta: {
    id: 'SS-CTL-R05',
    phase: 'run',
    title: 'Network policies isolate every workload',
    objective: 'Each namespace with workloads has NetworkPolicies selecting all its pods, ideally a default-deny for ingress and egress plus explicit allows.',
    evaluation: 'Per namespace with workloads (system namespaces aside): every pod selected by a NetworkPolicy is met; some is partial; none is a gap.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.3.3', title: 'Poorly separated inter-container network traffic' },
      { framework: 'NIST SP 800-190', id: '4.4.2', title: 'Unbounded network access from containers' },
      { framework: 'CIS Kubernetes Benchmark', id: '5.3.2', title: 'Ensure that all Namespaces have Network Policies defined' },
    ],
    weight: 1,
  },
  evaluate(context) {
    const { run } = context.evidence;
    if (run === undefined) return unknown('no workloads were read (no manifests, no cluster)');
    const policies = run.objects.map(networkPolicyInfo).filter((p): p is NetworkPolicyInfo => p !== undefined);
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const [namespace, members] of [...byNamespace(teamWorkloads(run.objects))].sort(([a], [b]) => a.localeCompare(b))) {
      const own = policies.filter((p) => (p.namespace ?? 'default') === namespace);
      const unselected = members.filter((w) => !own.some((p) => selects(p.podSelector, podLabels(w.template))));
      const defaultDeny = own.find((p) => p.selectsAllPods && p.ingress.length === 0 && p.policyTypes.includes('Ingress'));
      const denyEgress = own.some((p) => p.selectsAllPods && p.egress.length === 0 && p.policyTypes.includes('Egress'));
      const nodes = onMap(
        context.map,
        members.map((w) => w.node),
      );
      const place = `namespace ${namespace}`;
      if (unselected.length === 0) {
        const ideal = defaultDeny
          ? denyEgress
            ? 'with a default-deny for ingress and egress'
            : 'with a default-deny for ingress (egress open)'
          : 'without a default-deny';
        checks.push(
          check('met', `namespace ${namespace}: all ${members.length} workloads are selected by its ${own.length} NetworkPolicies, ${ideal}`, place, nodes),
        );
        continue;
      }
      const names = unselected.map((w) => `${w.object.kind}/${w.name}`).join(', ');
      checks.push(
        own.length === 0
          ? check('gap', `namespace ${namespace} has no NetworkPolicy: ${members.length} workloads accept and send any traffic`, place, nodes)
          : check(
              'partial',
              `namespace ${namespace}: ${unselected.length} of ${members.length} workloads are selected by no NetworkPolicy (${names})`,
              place,
              onMap(
                context.map,
                unselected.map((w) => w.node),
              ),
            ),
      );
      changes.push(
        change(`add a default-deny NetworkPolicy to namespace ${namespace}, then allow the flows its workloads need (kubectl apply -f this)`, {
          file: undefined,
          line: undefined,
          snippet: [
            'apiVersion: networking.k8s.io/v1',
            'kind: NetworkPolicy',
            'metadata:',
            '  name: default-deny',
            `  namespace: ${yamlScalar(namespace)}`,
            'spec:',
            '  podSelector: {}',
            '  policyTypes: [Ingress, Egress]',
          ].join('\n'),
          nodes,
        }),
      );
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'namespaces with workloads', met: 'have NetworkPolicies selecting every pod', notMet: 'leave pods without a NetworkPolicy' },
      'no workloads outside the system namespaces were read',
    );
  },
};
