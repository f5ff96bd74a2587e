import { namespaceInfo } from '../../../runtime/manifests/kinds.js';
import { checkPodSecurity } from '../../../runtime/pod-security.js';
import type { K8sObject } from '../../../runtime/manifests/load.js';
import type { FileEdit, ProposedChange } from '../model.js';
import { onMap } from '../support/ids.js';
import { byNamespace, namespaceObjects, teamWorkloads } from '../support/k8s.js';
import { shellCommand } from '../support/quote.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';

const levels = ['privileged', 'baseline', 'restricted'] as const;

/** SS-CTL-R01: every namespace that runs workloads enforces at least the policy's Pod Security level. */
export const namespacesEnforcePss: PostureControl = {
  meta: {
    id: 'SS-CTL-R01',
    phase: 'run',
    title: 'Namespaces enforce a Pod Security Standards level',
    objective:
      "Every namespace with workloads has the pod-security.kubernetes.io/enforce label at the policy's level or stricter, so the API server rejects pods that break it.",
    evaluation:
      'Per namespace with workloads (system namespaces aside): enforce at or above requiredPssLevel is met; only warn/audit at that level, or enforce below it, is partial; no enforce label (or no Namespace object read) is a gap.',
    references: [
      { framework: 'Pod Security Standards', id: 'baseline', title: 'Pod Security Admission enforce mode' },
      { framework: 'NIST SP 800-190', id: '4.4.5', title: 'Rogue containers' },
      { framework: 'CIS Kubernetes Benchmark', id: '5.2', title: 'Pod Security Standards' },
    ],
    weight: 2,
  },
  evaluate(context) {
    const { run } = context.evidence;
    if (run === undefined) return unknown('no workloads were read (no manifests, no cluster)');
    const required = context.policy.requiredPssLevel;
    const namespaces = namespaceObjects(run.objects);
    const groups = byNamespace(teamWorkloads(run.objects));
    if (groups.size === 0) return unknown('no workloads outside the system namespaces were read');
    // what labelling each namespace would reject, so the change can say what to fix first
    const atRequired = checkPodSecurity(run.objects, { level: required, version: 'latest', explicit: true });
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const [namespace, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      const nodes = onMap(
        context.map,
        members.map((w) => w.node),
      );
      const object = namespaces.get(namespace);
      const info = object ? namespaceInfo(object) : undefined;
      const enforce = info?.podSecurity.enforce;
      const observed = info?.podSecurity.warn ?? info?.podSecurity.audit;
      const rank = (level: string): number => levels.indexOf(level as (typeof levels)[number]);
      const place = object ? `${object.file}:${object.line}` : `namespace ${namespace}`;
      if (enforce && rank(enforce.level) >= rank(required)) {
        checks.push(check('met', `namespace ${namespace} enforces ${enforce.level} (${enforce.version})`, place, nodes));
        continue;
      }
      const text = enforce
        ? `namespace ${namespace} enforces only ${enforce.level}; the policy requires ${required}`
        : observed && rank(observed.level) >= rank(required)
          ? `namespace ${namespace} only warns/audits at ${observed.level}: nothing is rejected`
          : object
            ? `namespace ${namespace} runs ${members.length} workloads with no pod-security.kubernetes.io/enforce label`
            : `namespace ${namespace} runs ${members.length} workloads and no Namespace object read labels it`;
      checks.push(check(enforce || observed ? 'partial' : 'gap', text, place, nodes));
      const rejected = atRequired.filter((r) => r.namespace === namespace && !r.allowed).map((r) => `${r.kind}/${r.name}`);
      const first =
        rejected.length > 0
          ? ` First fix ${rejected.join(', ')}: ${required} would reject ${rejected.length === 1 ? 'it' : 'them'} (try with --dry-run=server to see the warnings).`
          : '';
      const label = `pod-security.kubernetes.io/enforce=${required}`;
      changes.push(
        change(`enforce ${required} in namespace ${namespace}${first ? `.${first}` : ''}`, {
          file: undefined,
          line: undefined,
          snippet: shellCommand(['kubectl', 'label', ...(enforce ? ['--overwrite'] : []), 'namespace', namespace, label]),
          nodes,
        }),
      );
      if (object && !object.file.startsWith('cluster:')) {
        const manifest = manifestChange(object, required, nodes);
        if (manifest) changes.push(manifest);
      }
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'namespaces with workloads', met: `enforce ${required} or stricter`, notMet: `do not enforce ${required}` },
      'no namespaces with workloads',
    );
  },
};

const enforceKey = 'pod-security.kubernetes.io/enforce';

/** The same label in the Namespace's manifest, so the next apply keeps it (merged into its metadata). */
function manifestChange(object: K8sObject, required: string, nodes: string[]): ProposedChange | undefined {
  const line = object.lineOf(['metadata', 'name']);
  if (line === undefined) return undefined;
  const labels = `labels:\n  ${enforceKey}: ${required}`;
  const edits: FileEdit[] = [{ kind: 'yaml-merge', file: object.file, line, within: '(root)', text: labels }];
  return change(`and in the manifest: set the label in the metadata of the Namespace at ${object.file}:${object.line}, so the next apply keeps it`, {
    file: object.file,
    line: object.lineOf(['metadata', 'labels', enforceKey]) ?? line,
    snippet: `metadata:\n  ${labels.replace('\n', '\n  ')}`,
    edits,
    nodes,
  });
}
