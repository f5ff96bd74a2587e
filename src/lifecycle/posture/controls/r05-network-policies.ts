import { networkPolicyInfo } from '../../../runtime/manifests/kinds.js';
import type { NetworkPolicyInfo } from '../../../runtime/manifests/kinds.js';
import type { RunEvidence } from '../../estate-model.js';
import type { ProposedChange } from '../model.js';
import { onMap } from '../support/ids.js';
import { byNamespace, namespaceObjects, podLabels, selects, teamWorkloads } from '../support/k8s.js';
import { defaultDenyManifests, isDnsLabel, newManifest } from '../support/manifest-edits.js';
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
      changes.push(defaultDenyChange(namespace, own, run, nodes));
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'namespaces with workloads', met: 'have NetworkPolicies selecting every pod', notMet: 'leave pods without a NetworkPolicy' },
      'no workloads outside the system namespaces were read',
    );
  },
};

/**
 * A default-deny NetworkPolicy for the namespace, with an allow for DNS egress so its workloads keep
 * resolving names: a new file next to the namespace's manifests (a document appended to the file
 * when that file was named as a source itself). Names already taken in the namespace are not reused.
 */
function defaultDenyChange(namespace: string, own: readonly NetworkPolicyInfo[], run: RunEvidence, nodes: string[]): ProposedChange {
  const taken = new Set(own.map((p) => p.name));
  const free = (name: string): string => (taken.has(name) ? `shipshape-${name}` : name);
  const names = { deny: free('default-deny'), dns: free('allow-dns') };
  const snippet = defaultDenyManifests(namespace, names);
  const anchor =
    namespaceObjects(run.objects).get(namespace)?.file ??
    run.objects.find((o) => (o.namespace ?? 'default') === namespace && !o.file.startsWith('cluster:'))?.file;
  const edit = anchor !== undefined && isDnsLabel(namespace) ? newManifest(anchor, run.sources, `${namespace}-default-deny.yaml`, snippet) : undefined;
  const services = run.objects.filter((o) => o.kind === 'Service' && (o.namespace ?? 'default') === namespace).map((o) => o.name ?? '(unnamed)');
  const ingressOnly = own.filter((p) => p.ingress.length > 0 && !p.policyTypes.includes('Egress')).map((p) => p.name ?? '(unnamed)');
  const stops = [
    services.length > 0 ? `traffic to its Services (${services.join(', ')})` : undefined,
    ingressOnly.length > 0
      ? `the traffic ${ingressOnly.join(', ')} let${ingressOnly.length === 1 ? 's' : ''} in, whose sources now need an egress allow`
      : undefined,
  ].filter((s): s is string => s !== undefined);
  const where = edit === undefined ? '(kubectl apply -f this)' : edit.kind === 'create' ? `as a new file ${edit.file}` : `at the end of ${edit.file}`;
  return {
    ...change(
      `add a default-deny NetworkPolicy (ingress and egress) to namespace ${namespace}, with ${names.dns}: DNS egress to kube-dns (k8s-app=kube-dns in kube-system, port 53) so its workloads keep resolving names, ${where}. Every other flow stops until a policy allows it${stops.length > 0 ? `, here ${stops.join(' and ')}` : ''}: add the allows its workloads need before applying (a node-local DNS cache needs its own allow)`,
      { file: edit?.file, line: undefined, snippet, edits: edit ? [edit] : [], nodes },
    ),
    rules: own.length === 0 ? ['SS-K8S-013'] : [],
  };
}
