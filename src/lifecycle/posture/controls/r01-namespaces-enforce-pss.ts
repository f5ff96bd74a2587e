import { isRecord } from '../../../core/records.js';
import { namespaceInfo } from '../../../runtime/manifests/kinds.js';
import type { RegistryScanReport } from '../../../distribute/model.js';
import { podTemplateOf } from '../../../runtime/manifests/pods.js';
import { checkPodSecurity, type PodSecurityResult } from '../../../runtime/pod-security.js';
import type { PssLevel } from '../../../runtime/pss/types.js';
import type { K8sObject } from '../../../runtime/manifests/load.js';
import type { FileEdit, ProposedChange } from '../model.js';
import { onMap } from '../support/ids.js';
import { byNamespace, namespaceObjects, teamWorkloads } from '../support/k8s.js';
import { hardenPod, imageRunsAsRoot, isDnsLabel, namespaceManifest, newManifest, policyVersion } from '../support/manifest-edits.js';
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
    // the policy version to pin with the level: the oldest kubelet's, when the nodes were read
    const version = policyVersion(run.nodes);
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
      const rejectedResults = atRequired.filter((r) => r.namespace === namespace && !r.allowed);
      const rejected = rejectedResults.map((r) => `${r.kind}/${r.name}`);
      // what the workload changes cannot fix: labelling before it is fixed by hand would make the API server reject it
      const blocked = rejectedResults.flatMap((r) => {
        const manual = leftByHand(run.objects, r, required, context.evidence.registries);
        return manual === undefined ? [] : [`${r.kind}/${r.name} (${manual})`];
      });
      const first =
        rejected.length > 0
          ? ` First fix ${rejected.join(', ')}: ${required} would reject ${rejected.length === 1 ? 'it' : 'them'} (try with --dry-run=server to see the warnings).`
          : '';
      const label = `pod-security.kubernetes.io/enforce=${required}`;
      // a version is pinned where none is: a namespace with its own enforce-version keeps it
      const pin = enforce !== undefined || hasVersionLabel(object) ? undefined : version;
      const labels = [label, ...(pin ? [`${versionKey}=${pin}`] : [])];
      changes.push(
        change(`enforce ${required} in namespace ${namespace}${first ? `.${first}` : ''}`, {
          file: undefined,
          line: undefined,
          snippet: shellCommand(['kubectl', 'label', ...(enforce ? ['--overwrite'] : []), 'namespace', namespace, ...labels]),
          nodes,
        }),
      );
      const manifest =
        object === undefined
          ? newNamespaceChange(namespace, members[0]?.object.file, run.sources, required, version, nodes)
          : object.file.startsWith('cluster:')
            ? undefined
            : manifestChange(object, required, pin, nodes);
      if (manifest === undefined) continue;
      if (blocked.length > 0) {
        const them = blocked.length === 1 ? 'it' : 'them';
        changes.push(
          change(
            `and in the manifests, once ${blocked.join('; ')} ${blocked.length === 1 ? 'is' : 'are'} fixed by hand: ${manifest.summary} (set now, the API server would reject ${them})`,
            {
              file: manifest.file,
              line: manifest.line,
              snippet: manifest.snippet,
              nodes,
            },
          ),
        );
        continue;
      }
      const along =
        rejected.length > 0
          ? ` Apply it with the changes SS-CTL-R02 and SS-CTL-R06 propose for ${rejected.join(', ')}: without them ${required} rejects ${rejected.length === 1 ? 'it' : 'them'}.`
          : '';
      changes.push({ ...manifest, summary: `and in the manifests: ${manifest.summary}.${along}` });
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'namespaces with workloads', met: `enforce ${required} or stricter`, notMet: `do not enforce ${required}` },
      'no namespaces with workloads',
    );
  },
};

/**
 * What a workload the level rejects still breaks once the workload changes (SS-CTL-R02, R06) are
 * made, in words; undefined when they make it pass.
 */
function leftByHand(objects: readonly K8sObject[], result: PodSecurityResult, level: PssLevel, registries: readonly RegistryScanReport[]): string | undefined {
  const object = objects.find((o) => o.file === result.file && o.line === result.line && o.kind === result.kind && (o.name ?? '(unnamed)') === result.name);
  const template = object ? podTemplateOf(object) : undefined;
  if (object === undefined || template === undefined || level === 'privileged') return 'its manifest is not at hand';
  const hardening = hardenPod(object, template, { level, runsAsRoot: (image) => imageRunsAsRoot(registries, image) });
  if (hardening.manual.length > 0) return hardening.manual.join('; ');
  return hardening.sets.length > 0 && hardening.edits.length === 0 ? 'its manifest cannot be edited here' : undefined;
}

const enforceKey = 'pod-security.kubernetes.io/enforce';
const versionKey = 'pod-security.kubernetes.io/enforce-version';

function hasVersionLabel(object: K8sObject | undefined): boolean {
  const metadata = object?.raw.metadata;
  return isRecord(metadata) && isRecord(metadata.labels) && Object.hasOwn(metadata.labels, versionKey);
}

/**
 * A Namespace manifest for a namespace the manifests use but do not declare, next to its first
 * workload's manifest (appended to it when that file was named as a source itself), so the labels
 * live with the workloads. Only for a name that is a DNS label: anything else is no namespace.
 */
function newNamespaceChange(
  namespace: string,
  anchor: string | undefined,
  sources: readonly string[],
  required: string,
  version: string | undefined,
  nodes: string[],
): ProposedChange | undefined {
  if (anchor === undefined || !isDnsLabel(namespace)) return undefined;
  const text = namespaceManifest(namespace, required, version);
  const edit = newManifest(anchor, sources, `${namespace}-namespace.yaml`, text);
  if (edit === undefined) return undefined;
  const where = edit.kind === 'create' ? `a new file ${edit.file}` : `the end of ${edit.file}`;
  return change(
    `declare namespace ${namespace} with the label in ${where}, so the next apply keeps it (applying it to the existing namespace sets its labels; if another tool owns the Namespace object, set the label there instead)`,
    { file: edit.file, line: undefined, snippet: text, edits: [edit], nodes },
  );
}

/** The same label in the Namespace's manifest, so the next apply keeps it (merged into its metadata). */
function manifestChange(object: K8sObject, required: string, version: string | undefined, nodes: string[]): ProposedChange | undefined {
  const line = object.lineOf(['metadata', 'name']);
  if (line === undefined) return undefined;
  const labels = `labels:\n  ${enforceKey}: ${required}${version ? `\n  ${versionKey}: ${version}` : ''}`;
  const edits: FileEdit[] = [{ kind: 'yaml-merge', file: object.file, line, within: '(root)', text: labels }];
  return change(`set the label in the metadata of the Namespace at ${object.file}:${object.line}, so the next apply keeps it`, {
    file: object.file,
    line: object.lineOf(['metadata', 'labels', enforceKey]) ?? line,
    snippet: `metadata:\n  ${labels.replaceAll('\n', '\n  ')}`,
    edits,
    nodes,
  });
}
