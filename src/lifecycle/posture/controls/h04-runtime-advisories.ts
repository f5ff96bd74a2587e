import type { StoredAdvisory } from '../../../vuln/advisories/store.js';
import { evaluateAffected } from '../../../vuln/match/osv-range.js';
import { compareSeverity, type SeverityLevel } from '../../../core/severity.js';
import { severityOf } from '../../../vuln/severity.js';
import { schemeForRange } from '../../../vuln/versioning/registry.js';
import type { ProposedChange } from '../model.js';
import { parseRuntime, runtimeModules, versionParts } from '../support/host.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';
import { noNodes, nodesOf } from './host-nodes.js';

/** Words of advisories about breaking out of the container (CVE-2019-5736, CVE-2024-21626 "Leaky Vessels", ...). */
const escapeWords =
  /escape|break ?out|host (file ?system|filesystem|root)|container breakout|overwrite the host|access to the host|privilege escalation|arbitrary host/i;

/** One advisory affecting a node's runtime. */
interface Hit {
  advisory: StoredAdvisory;
  module: string;
  fixed: string | undefined;
  level: SeverityLevel;
  escape: boolean;
}

/** SS-CTL-H04: no node's container runtime is affected by a known advisory (OSV Go ecosystem). */
export const runtimeAdvisories: PostureControl = {
  meta: {
    id: 'SS-CTL-H04',
    phase: 'host',
    title: 'Container runtimes are free of known escape advisories',
    objective: 'No node runs a containerd / CRI-O / Docker release with a known container-escape (or other high-severity) advisory.',
    evaluation:
      'Per node: the runtime version from containerRuntimeVersion is matched against the advisory database (OSV Go: github.com/containerd/containerd, github.com/cri-o/cri-o, github.com/docker/docker, github.com/moby/moby). No advisory is met; only low/medium ones partial; an escape or high/critical one a gap. Without a database holding advisories for the runtime, not known.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.4.1', title: 'Vulnerabilities within the runtime software' },
      { framework: 'NIST SP 800-190', id: '4.5.3', title: 'Host OS component vulnerabilities' },
    ],
    weight: 2,
  },
  evaluate(context) {
    const nodes = nodesOf(context);
    if (nodes === undefined || nodes.length === 0) return unknown(noNodes);
    const advisories = context.advisories;
    if (advisories === undefined)
      return unknown('no advisory database was given: the runtime versions cannot be checked (shipshape db update, then pass --db)');
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    const notKnown: string[] = [];
    for (const { node, ids } of nodes) {
      const runtime = parseRuntime(node.containerRuntimeVersion);
      const parts = runtime ? versionParts(runtime.version) : undefined;
      const modules = runtime && parts ? runtimeModules(runtime.runtime, parts.core.split('.')[0] ?? '') : [];
      if (!runtime || !parts || modules.length === 0) {
        notKnown.push(`${node.name}: runtime ${node.containerRuntimeVersion ?? 'not reported'} has no advisory source`);
        continue;
      }
      const records = modules.flatMap((module) => advisories.lookup('Go', module).map((advisory) => ({ advisory, module })));
      if (records.length === 0) {
        // these runtimes all have published advisories: none at all means the database lacks them
        notKnown.push(`${node.name}: the advisory database holds no Go advisories for ${modules.join(' / ')}`);
        continue;
      }
      // vendor builds (`1.7.11-1`, `1.6.6-k3s1`) are matched by their upstream release; their backports are not seen
      const version = parts.prerelease ? `${parts.core}-${parts.prerelease}` : parts.core;
      const hits: Hit[] = [];
      const indeterminate: string[] = [];
      for (const { advisory, module } of records) {
        const outcome = evaluateAffected(version, advisory.affected, (type) => schemeForRange('Go', type));
        if (outcome.status === 'indeterminate') indeterminate.push(`${advisory.id}: ${outcome.reason}`);
        if (outcome.status !== 'affected') continue;
        const level = severityOf(
          [...advisory.severity, ...(advisory.affected.severity ?? [])],
          [advisory.affected.database_specific?.severity, advisory.affected.ecosystem_specific?.severity],
        ).level;
        hits.push({ advisory, module, fixed: outcome.fixed, level, escape: escapeWords.test(`${advisory.summary ?? ''}`) });
      }
      const label = `${runtime.runtime} ${runtime.version}${version !== runtime.version ? ` (matched as ${version})` : ''}`;
      const place = `node ${node.name}`;
      if (hits.length === 0) {
        checks.push(
          check(
            indeterminate.length > 0 ? 'partial' : 'met',
            `node ${node.name}: ${label} is not affected by the ${records.length} advisories for ${modules.join(' / ')}${indeterminate.length > 0 ? `; could not decide ${indeterminate.join('; ')}` : ''}`,
            place,
            ids,
          ),
        );
        continue;
      }
      hits.sort((a, b) => Number(b.escape) - Number(a.escape) || -compareSeverity(a.level, b.level));
      const serious = hits.some((h) => h.escape || h.level === 'HIGH' || h.level === 'CRITICAL');
      const advisoryIds = hits.map((h) => [h.advisory.id, ...h.advisory.aliases.filter((a) => a.startsWith('CVE-'))].join('/'));
      checks.push(
        check(
          serious ? 'gap' : 'partial',
          `node ${node.name}: ${label} is affected by ${hits.map((h, i) => `${advisoryIds[i]} (${h.level.toLowerCase()}${h.escape ? ', container escape' : ''}${h.fixed ? `, fixed in ${h.fixed}` : ', no fix'}${h.advisory.summary ? `: ${h.advisory.summary}` : ''})`).join('; ')}`,
          place,
          ids,
          hits.map((h) => h.advisory.id),
        ),
      );
      const target = highest(hits.map((h) => h.fixed));
      changes.push(
        change(
          target
            ? `upgrade ${runtime.runtime} on node ${node.name} to ${target} or later (through the node image when the runtime comes with it)`
            : `${runtime.runtime} on node ${node.name} has advisories without a fix: move to a newer release branch`,
          { file: undefined, line: undefined, snippet: undefined, nodes: ids },
        ),
      );
    }
    const outcome = outcomeOf(
      checks,
      changes,
      { subject: 'nodes', met: 'run a runtime with no known advisory', notMet: 'run a runtime with known advisories' },
      notKnown.join('; ') || noNodes,
    );
    if (notKnown.length > 0 && outcome.status !== 'unknown') outcome.summary += `; not known for ${notKnown.length} nodes (${notKnown.join('; ')})`;
    if (outcome.status === 'unknown') outcome.evidence = notKnown.map((text) => ({ text, where: undefined, nodes: [], findings: [], ok: false }));
    return outcome;
  },
};

/** The highest of the fixed versions (plain numeric compare of x.y.z); undefined when any hit has no fix. */
function highest(fixes: readonly (string | undefined)[]): string | undefined {
  if (fixes.some((f) => f === undefined)) return undefined;
  const key = (v: string): number[] => (versionParts(v)?.core ?? '0.0.0').split('.').map(Number);
  return (fixes as string[]).reduce((best, next) => {
    const [a, b] = [key(best), key(next)];
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (b[i] ?? 0) > (a[i] ?? 0) ? next : best;
    return best;
  });
}
