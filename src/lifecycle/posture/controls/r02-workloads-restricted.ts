import { checkPodSecurity } from '../../../runtime/pod-security.js';
import type { PodSecurityResult } from '../../../runtime/pod-security.js';
import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { systemNamespaces } from '../support/k8s.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';

/** The securityContext that satisfies the restricted level for an ordinary container. */
const restrictedContext = [
  'securityContext:',
  '  runAsNonRoot: true',
  '  allowPrivilegeEscalation: false',
  '  capabilities:',
  '    drop: ["ALL"]',
  '  seccompProfile:',
  '    type: RuntimeDefault',
].join('\n');

/** SS-CTL-R02: workloads would pass the restricted Pod Security Standard. */
export const workloadsRestricted: PostureControl = {
  meta: {
    id: 'SS-CTL-R02',
    phase: 'run',
    title: 'Workloads meet the restricted Pod Security Standard',
    objective: "Every workload runs as non-root, drops all capabilities, blocks privilege escalation and uses the runtime's seccomp profile.",
    evaluation:
      'Per workload (system namespaces aside): allowed at restricted is met, otherwise a gap; the results of the Pod Security evaluation are used, at restricted.',
    references: [
      { framework: 'Pod Security Standards', id: 'restricted', title: 'Restricted profile' },
      { framework: 'NIST SP 800-190', id: '4.4.3', title: 'Insecure container runtime configurations' },
    ],
    weight: 1,
  },
  evaluate(context) {
    const { run } = context.evidence;
    if (run === undefined) return unknown('no workloads were read (no manifests, no cluster)');
    // the evidence's own results say restricted where they were evaluated there; the others are
    // evaluated again at restricted so each workload gets its exact violations
    const restricted = new Map(checkPodSecurity(run.objects, { level: 'restricted', version: 'latest', explicit: true }).map((r) => [key(r), r]));
    const results = run.podSecurity.length > 0 ? run.podSecurity : [...restricted.values()];
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const result of results) {
      if (systemNamespaces.has(result.namespace)) continue;
      const atRestricted = result.level === 'restricted' ? result : restricted.get(key(result));
      const allowed = atRestricted ? atRestricted.allowed : result.rejectedAtRestricted === false;
      const nodes = onMap(context.map, [nodeId.workload(result.namespace, result.kind, result.name)]);
      const place = `${result.file}:${result.line}`;
      const label = `${result.namespace}/${result.kind}/${result.name}`;
      if (allowed) {
        checks.push(check('met', `${label} meets restricted`, place, nodes));
        continue;
      }
      const violations = atRestricted?.violations ?? [];
      const list = violations.map((v) => `${v.check}${v.detail ? ` (${v.detail})` : ''}`).join('; ');
      checks.push(
        check(
          'gap',
          `${label} breaks restricted${list ? `: ${list}` : ''}`,
          place,
          nodes,
          violations.map((v) => v.check),
        ),
      );
      changes.push(
        change(
          `harden ${label} (${place}): set this securityContext on each container${list ? `; it currently breaks ${violations.map((v) => v.check).join(', ')}` : ''}`,
          { file: result.file, line: result.line, snippet: restrictedContext, nodes },
        ),
      );
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'workloads', met: 'meet restricted', notMet: 'break restricted' },
      'no workloads outside the system namespaces were read',
    );
  },
};

function key(result: Pick<PodSecurityResult, 'file' | 'line' | 'namespace' | 'kind' | 'name'>): string {
  return [result.file, result.line, result.namespace, result.kind, result.name].join('\0');
}
