import type { ProposedChange } from '../model.js';
import { compareMinor, day, kubernetesReleases, newerThanTable, versionParts } from '../support/host.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';
import { isScannedHostOnly, noNodes, nodesOf } from './host-nodes.js';

/** The kubelet may be this many minors older than the API server (Kubernetes version skew policy, since 1.28). */
const kubeletSkew = 3;

/** SS-CTL-H02: every kubelet is a maintained Kubernetes release. */
export const kubeletSupported: PostureControl = {
  meta: {
    id: 'SS-CTL-H02',
    phase: 'host',
    title: 'Kubelets run a supported Kubernetes release',
    objective: "Every node's kubelet is a Kubernetes minor release that still gets security fixes.",
    evaluation: `Per node: a kubelet minor still maintained (${kubernetesReleases.source}, table of ${kubernetesReleases.asOf}) is met; an unmaintained one still within the ${kubeletSkew}-minor skew of a maintained control plane is partial; older is a gap; newer than the table is not known.`,
    references: [
      { framework: 'NIST SP 800-190', id: '4.3.5', title: 'Orchestrator node trust' },
      { framework: 'CIS Kubernetes Benchmark', id: '4.2', title: 'Kubelet' },
    ],
    weight: 1,
  },
  evaluate(context) {
    // a host scanned outside any cluster runs no kubelet: only the cluster's nodes are judged here
    const nodes = nodesOf(context)?.filter(({ node }) => !isScannedHostOnly(node));
    if (nodes === undefined || nodes.length === 0) return unknown(noNodes);
    const today = day(context.now);
    const maintained = Object.entries(kubernetesReleases.endOfLife)
      .filter(([, eol]) => eol >= today)
      .map(([minor]) => minor)
      .sort(compareMinor);
    const oldest = maintained[0];
    const newest = maintained.at(-1);
    const checks: Check[] = [];
    const stale: { name: string; ids: string[] }[] = [];
    for (const { node, ids } of nodes) {
      const parts = node.kubeletVersion ? versionParts(node.kubeletVersion) : undefined;
      if (parts === undefined) {
        checks.push(
          check('partial', `node ${node.name} does not report a readable kubelet version (${node.kubeletVersion ?? 'none'})`, `node ${node.name}`, ids),
        );
        continue;
      }
      const eol = kubernetesReleases.endOfLife[parts.minor];
      if (eol === undefined && newerThanTable(kubernetesReleases, parts.minor)) continue; // newer than the table: not known
      if (eol !== undefined && eol >= today) {
        checks.push(check('met', `node ${node.name}: kubelet ${node.kubeletVersion} (${parts.minor} maintained until ${eol})`, `node ${node.name}`, ids));
        continue;
      }
      const [major = 0, minor = 0] = parts.minor.split('.').map(Number);
      const withinSkew = oldest !== undefined && compareMinor(`${major}.${minor + kubeletSkew}`, oldest) >= 0;
      const why = eol ? `Kubernetes ${parts.minor} reached end of life on ${eol}` : `Kubernetes ${parts.minor} is older than every release in the table`;
      checks.push(
        check(
          withinSkew ? 'partial' : 'gap',
          `node ${node.name}: kubelet ${node.kubeletVersion}: ${why}${withinSkew ? `, though a ${oldest} control plane still accepts it` : ''}`,
          `node ${node.name}`,
          ids,
        ),
      );
      stale.push({ name: node.name, ids });
    }
    const changes: ProposedChange[] =
      stale.length > 0 && newest
        ? [
            change(
              `upgrade the control plane and then the nodes ${stale.map((s) => s.name).join(', ')} one minor at a time towards Kubernetes ${newest} (maintained releases: ${maintained.join(', ')})`,
              {
                file: undefined,
                line: undefined,
                snippet: `kubectl drain <node> --ignore-daemonsets --delete-emptydir-data  # then replace or upgrade it`,
                nodes: stale.flatMap((s) => s.ids),
              },
            ),
          ]
        : [];
    const outcome = outcomeOf(
      checks,
      changes,
      { subject: 'nodes', met: 'run a maintained kubelet', notMet: 'run an unmaintained kubelet' },
      `every kubelet is newer than the support table of ${kubernetesReleases.asOf}: not known`,
    );
    return outcome;
  },
};
