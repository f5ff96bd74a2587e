import type { ProposedChange } from '../model.js';
import { containerOptimised, day, nodeOsEndOfLife } from '../support/host.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';
import { noNodes, nodesOf } from './host-nodes.js';

/** SS-CTL-H01: nodes run a container-optimised OS that is still supported. */
export const containerOptimisedOs: PostureControl = {
  meta: {
    id: 'SS-CTL-H01',
    phase: 'host',
    title: 'Nodes run a current, container-optimised OS',
    objective:
      'Nodes run a minimal OS built to host containers (Bottlerocket, Flatcar, Container-Optimized OS, Talos, Fedora/RHEL CoreOS, Amazon Linux 2023...) on a supported release.',
    evaluation: 'Per node, from its osImage: a container-optimised OS is met; a supported general-purpose OS is partial; an OS past its end of life is a gap.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.5.1', title: 'Large attack surface' },
      { framework: 'NIST SP 800-190', id: '4.5.3', title: 'Host OS component vulnerabilities' },
    ],
    weight: 1,
  },
  evaluate(context) {
    const nodes = nodesOf(context);
    if (nodes === undefined || nodes.length === 0) return unknown(noNodes);
    const today = day(context.now);
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    const general: string[] = [];
    for (const { node, ids } of nodes) {
      const image = node.osImage ?? '';
      if (image === '') {
        checks.push(check('partial', `node ${node.name} does not report its OS image`, `node ${node.name}`, ids));
        continue;
      }
      const eol = nodeOsEndOfLife.find((entry) => entry.pattern.test(image));
      const optimised = containerOptimised.find((entry) => entry.pattern.test(image));
      if (eol && eol.eol < today) {
        checks.push(check('gap', `node ${node.name} runs ${image}: ${eol.name} reached end of life on ${eol.eol}`, `node ${node.name}`, ids));
        general.push(node.name);
      } else if (optimised) {
        checks.push(check('met', `node ${node.name} runs ${image} (${optimised.name}, built for containers)`, `node ${node.name}`, ids));
      } else {
        checks.push(
          check('partial', `node ${node.name} runs ${image}: a general-purpose OS${eol ? ` (supported until ${eol.eol})` : ''}`, `node ${node.name}`, ids),
        );
        general.push(node.name);
      }
    }
    if (general.length > 0) {
      changes.push(
        change(
          `move the node pools of ${general.join(', ')} to a container-optimised OS (EKS: Bottlerocket or AL2023 AMIs; GKE: cos_containerd; AKS: Azure Linux; self-managed: Flatcar or Talos), replacing nodes rather than upgrading them in place`,
          {
            file: undefined,
            line: undefined,
            snippet: undefined,
            nodes: nodes.filter((n) => general.includes(n.node.name)).flatMap((n) => n.ids),
          },
        ),
      );
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'nodes', met: 'run a current container-optimised OS', notMet: 'run a general-purpose or end-of-life OS' },
      noNodes,
    );
  },
};
