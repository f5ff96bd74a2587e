import { ownEntry } from '../../../core/records.js';
import type { ProposedChange } from '../model.js';
import type { SupportTable } from '../support/host.js';
import { containerdReleases, day, kubernetesReleases, newerThanTable, parseRuntime, versionParts } from '../support/host.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';
import { noNodes, nodesOf } from './host-nodes.js';

/** Release tables per runtime: CRI-O's minors follow Kubernetes' and are supported as long as they are. */
const tables: Record<string, SupportTable> = { containerd: containerdReleases, 'cri-o': kubernetesReleases };

/** SS-CTL-H03: the nodes' container runtime is a release branch that still gets fixes. */
export const runtimeSupported: PostureControl = {
  meta: {
    id: 'SS-CTL-H03',
    phase: 'host',
    title: 'Container runtimes are supported releases',
    objective: 'containerd / CRI-O on every node is a release branch that still gets security fixes.',
    evaluation: `Per node, from containerRuntimeVersion: a branch before its end of life (${containerdReleases.source}, table of ${containerdReleases.asOf}; CRI-O follows ${kubernetesReleases.source}) is met, past it a gap; runtimes or branches without a table entry are not known.`,
    references: [{ framework: 'NIST SP 800-190', id: '4.4.1', title: 'Vulnerabilities within the runtime software' }],
    weight: 1,
  },
  evaluate(context) {
    const nodes = nodesOf(context);
    if (nodes === undefined || nodes.length === 0) return unknown(noNodes);
    const today = day(context.now);
    const checks: Check[] = [];
    const stale: { name: string; ids: string[]; what: string }[] = [];
    const notKnown: string[] = [];
    for (const { node, ids } of nodes) {
      const runtime = parseRuntime(node.containerRuntimeVersion);
      const parts = runtime ? versionParts(runtime.version) : undefined;
      const table = runtime ? ownEntry(tables, runtime.runtime === 'crio' ? 'cri-o' : runtime.runtime) : undefined;
      if (!runtime || !parts || !table || (table.endOfLife[parts.minor] === undefined && newerThanTable(table, parts.minor))) {
        notKnown.push(`${node.name} (${node.containerRuntimeVersion ?? 'no runtime reported'})`);
        continue;
      }
      const eol = table.endOfLife[parts.minor];
      const label = `${runtime.runtime} ${runtime.version}`;
      if (eol !== undefined && eol >= today) {
        checks.push(check('met', `node ${node.name}: ${label} (${parts.minor} supported until ${eol} per ${table.source})`, `node ${node.name}`, ids));
      } else {
        checks.push(
          check(
            'gap',
            `node ${node.name}: ${label}: ${eol ? `branch ${parts.minor} reached end of life on ${eol}` : `branch ${parts.minor} is older than every supported branch`} (${table.source}, ${table.asOf})`,
            `node ${node.name}`,
            ids,
          ),
        );
        stale.push({ name: node.name, ids, what: label });
      }
    }
    const changes: ProposedChange[] =
      stale.length > 0
        ? [
            change(
              `move ${stale.map((s) => `${s.name} (${s.what})`).join(', ')} to a supported runtime release: usually by upgrading the node image, which brings its runtime`,
              { file: undefined, line: undefined, snippet: undefined, nodes: stale.flatMap((s) => s.ids) },
            ),
          ]
        : [];
    const outcome = outcomeOf(
      checks,
      changes,
      { subject: 'nodes with a known runtime branch', met: 'run a supported runtime', notMet: 'run a runtime past its end of life' },
      `no support table covers the runtimes reported: ${notKnown.join(', ')}`,
    );
    if (notKnown.length > 0 && outcome.status !== 'unknown') outcome.summary += `; not known for ${notKnown.join(', ')}`;
    return outcome;
  },
};
