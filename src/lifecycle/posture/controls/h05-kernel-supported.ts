import type { ProposedChange } from '../model.js';
import { day, kernelLongterm, newerThanTable, versionParts } from '../support/host.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';
import { noNodes, nodesOf } from './host-nodes.js';

/** Suffixes of distribution kernels, whose support follows the distribution rather than kernel.org. */
const distributionKernel = /\.el\d|amzn|-generic|-aws|-azure|-gcp|-gke|-oracle|-kvm|-lowlatency|\+|ubuntu|\.fc\d|-default|cos|-flatcar|talos/i;

/** SS-CTL-H05: node kernels are on a maintained branch. */
export const kernelSupported: PostureControl = {
  meta: {
    id: 'SS-CTL-H05',
    phase: 'host',
    title: 'Node kernels are maintained',
    objective: 'Every node runs a kernel from a branch that still gets security fixes: the shared kernel is the wall between containers.',
    evaluation: `Per node: a kernel.org longterm branch before its end of life (table of ${kernelLongterm.asOf}) is met; past it, a gap (partial for a distribution build, which its vendor may still patch); distribution kernels of other branches and branches newer than the table are not known.`,
    references: [
      { framework: 'NIST SP 800-190', id: '4.5.2', title: 'Shared kernel' },
      { framework: 'NIST SP 800-190', id: '4.5.3', title: 'Host OS component vulnerabilities' },
    ],
    weight: 1,
  },
  evaluate(context) {
    const nodes = nodesOf(context);
    if (nodes === undefined || nodes.length === 0) return unknown(noNodes);
    const today = day(context.now);
    const checks: Check[] = [];
    const stale: { name: string; ids: string[] }[] = [];
    for (const { node, ids } of nodes) {
      const parts = node.kernelVersion ? versionParts(node.kernelVersion) : undefined;
      if (!parts || !node.kernelVersion) continue;
      const vendor = distributionKernel.test(parts.suffix);
      const eol = kernelLongterm.endOfLife[parts.minor];
      if (eol === undefined) {
        if (vendor || newerThanTable(kernelLongterm, parts.minor)) continue; // support follows the distribution, or the table is older than the kernel
        checks.push(
          check(
            'gap',
            `node ${node.name}: kernel ${node.kernelVersion} is on branch ${parts.minor}, which is neither longterm nor current`,
            `node ${node.name}`,
            ids,
          ),
        );
        stale.push({ name: node.name, ids });
      } else if (eol >= today) {
        checks.push(
          check('met', `node ${node.name}: kernel ${node.kernelVersion} (longterm ${parts.minor}, maintained until ${eol})`, `node ${node.name}`, ids),
        );
      } else {
        checks.push(
          check(
            vendor ? 'partial' : 'gap',
            `node ${node.name}: kernel ${node.kernelVersion}: longterm ${parts.minor} ended on ${eol}${vendor ? '; the distribution may still patch its build' : ''}`,
            `node ${node.name}`,
            ids,
          ),
        );
        stale.push({ name: node.name, ids });
      }
    }
    const changes: ProposedChange[] =
      stale.length > 0
        ? [
            change(`move ${stale.map((s) => s.name).join(', ')} to a node image with a maintained kernel`, {
              file: undefined,
              line: undefined,
              snippet: undefined,
              nodes: stale.flatMap((s) => s.ids),
            }),
          ]
        : [];
    return outcomeOf(
      checks,
      changes,
      { subject: 'nodes', met: 'run a maintained kernel', notMet: 'run an unmaintained kernel' },
      'no node reports a kernel whose support the table knows (distribution kernels follow their OS, see SS-CTL-H01)',
    );
  },
};
