import { parseAllowListEntry } from '../../../image/registry-hosts.js';
import type { K8sObject } from '../../../runtime/manifests/load.js';
import { isRecord } from '../../../core/records.js';
import { apiGroupOf, podTemplateOf } from '../../../runtime/manifests/pods.js';
import type { FileEdit, ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { byNamespace, fromCluster, namespaceObjects, teamWorkloads } from '../support/k8s.js';
import { shellCommand, yamlScalar } from '../support/quote.js';
import type { Check, ControlContext, PostureControl, Verdict } from './control.js';
import { change, check, unknown } from './control.js';
import { pushAll } from '../../../core/collections.js';

/** An admission controller found among the objects, and what it does for image trust. */
interface Admission {
  engine: 'Kyverno' | 'Gatekeeper' | 'sigstore policy-controller' | 'Connaisseur' | 'Ratify';
  object: K8sObject;
  /** `signatures`: verifies signatures; `allowlist`: only restricts where images come from. */
  does: 'signatures' | 'allowlist';
  /** Whether a failure rejects the pod (Enforce / deny) or is only recorded (Audit / warn / dryrun). */
  enforced: boolean;
  detail: string;
}

/** SS-CTL-R04: an admission controller rejects pods whose images are not signed by a trusted key. */
export const admissionVerifiesSignatures: PostureControl = {
  meta: {
    id: 'SS-CTL-R04',
    phase: 'run',
    title: 'Admission control verifies image signatures',
    objective:
      'The cluster refuses to run an image unless its signature verifies (Kyverno verifyImages, sigstore policy-controller, Connaisseur, Ratify with Gatekeeper).',
    evaluation:
      'Among the Kubernetes objects read: a signature-verifying policy in enforce mode is met; one in audit/warn mode, a verifier nothing enforces, or only a registry allow-list (Gatekeeper allowed repos) is partial; none is a gap.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.1.5', title: 'Use of untrusted images' },
      { framework: 'CIS Docker Benchmark', id: '4.12', title: 'Ensure all signed artifacts are validated' },
      { framework: 'CIS Kubernetes Benchmark', id: '5.5', title: 'Extensible admission control' },
    ],
    weight: 2,
  },
  signatures: true,
  evaluate(context) {
    const { run } = context.evidence;
    if (run === undefined) return unknown('no Kubernetes objects were read (no manifests, no cluster)');
    const found = detectAdmission(run.objects);
    const clusterNode = onMap(context.map, [nodeId.cluster(run.cluster)]);
    const checks: Check[] = found.map((a) =>
      check(verdictOf(a, found), `${a.engine} ${a.object.kind} ${a.object.name ?? ''}: ${a.detail}`, `${a.object.file}:${a.object.line}`, clusterNode),
    );
    // policy-controller only acts in namespaces that opt in
    const optIn = policyControllerGaps(context, found);
    pushAll(checks, optIn.checks);
    const best: Verdict = checks.some((c) => c.verdict === 'met') && optIn.checks.length === 0 ? 'met' : checks.length > 0 ? 'partial' : 'gap';
    const changes: ProposedChange[] = [...optIn.changes];
    if (best !== 'met' && optIn.changes.length === 0) changes.push(proposal(context, found, clusterNode));
    const summary =
      best === 'met'
        ? `image signatures are verified at admission (${[...new Set(found.filter((a) => a.does === 'signatures' && a.enforced).map((a) => a.engine))].join(', ')})`
        : best === 'partial'
          ? `admission control is present but does not enforce signature verification everywhere (${[...new Set(found.map((a) => a.engine))].join(', ')})`
          : `no admission controller verifying image signatures among the ${run.objects.length} objects read${fromCluster(run.sources) ? '' : ' (manifests only: read the cluster to see what is installed)'}`;
    const evidence =
      checks.length > 0 ? checks.map((c) => c.evidence) : [{ text: summary, where: run.sources.join(', '), nodes: clusterNode, findings: [], ok: false }];
    return { status: best, summary, evidence, changes: best === 'met' ? [] : changes };
  },
};

function verdictOf(admission: Admission, all: readonly Admission[]): Verdict {
  if (admission.does === 'allowlist' || !admission.enforced) return 'partial';
  // Ratify verifies, but only Gatekeeper's RatifyVerification constraint makes a failure reject the pod
  if (admission.engine === 'Ratify')
    return all.some((a) => a.engine === 'Gatekeeper' && a.object.kind === 'RatifyVerification' && a.enforced) ? 'met' : 'partial';
  return 'met';
}

/** Finds the admission controllers that matter for image trust among the objects read. */
export function detectAdmission(objects: readonly K8sObject[]): Admission[] {
  const found: Admission[] = [];
  for (const object of objects) {
    const group = apiGroupOf(object.apiVersion);
    const spec = isRecord(object.raw.spec) ? object.raw.spec : {};
    if (group === 'kyverno.io' && (object.kind === 'ClusterPolicy' || object.kind === 'Policy')) {
      const rules = Array.isArray(spec.rules) ? spec.rules.filter(isRecord) : [];
      const verify = rules.flatMap((rule) => (Array.isArray(rule.verifyImages) ? rule.verifyImages.filter(isRecord) : []));
      if (verify.length === 0) continue;
      const policyAction = typeof spec.validationFailureAction === 'string' ? spec.validationFailureAction : 'Audit';
      const actions = verify.map((v) => (typeof v.failureAction === 'string' ? v.failureAction : policyAction));
      const enforced = actions.every((a) => a.toLowerCase() === 'enforce');
      const references = verify.flatMap((v) => (Array.isArray(v.imageReferences) ? v.imageReferences.filter((r): r is string => typeof r === 'string') : []));
      found.push({
        engine: 'Kyverno',
        object,
        does: 'signatures',
        enforced,
        detail: `verifyImages for ${references.join(', ') || 'all images'} (${enforced ? 'Enforce' : 'Audit: failures are only reported'})`,
      });
    } else if (group === 'policies.kyverno.io' && /^Image(Validating|Verification)Policy$/.test(object.kind)) {
      const actions = Array.isArray(spec.validationActions) ? spec.validationActions.filter((a): a is string => typeof a === 'string') : ['Deny'];
      const enforced = actions.includes('Deny');
      found.push({ engine: 'Kyverno', object, does: 'signatures', enforced, detail: `image verification policy (${actions.join(', ')})` });
    } else if (group === 'policy.sigstore.dev' && object.kind === 'ClusterImagePolicy') {
      const mode = typeof spec.mode === 'string' ? spec.mode : 'enforce';
      const images = Array.isArray(spec.images)
        ? spec.images
            .filter(isRecord)
            .map((i) => (typeof i.glob === 'string' ? i.glob : ''))
            .filter(Boolean)
        : [];
      found.push({
        engine: 'sigstore policy-controller',
        object,
        does: 'signatures',
        enforced: mode === 'enforce',
        detail: `ClusterImagePolicy for ${images.join(', ') || 'all images'} (mode ${mode})`,
      });
    } else if (group === 'constraints.gatekeeper.sh') {
      const action = typeof spec.enforcementAction === 'string' ? spec.enforcementAction : 'deny';
      const enforced = action === 'deny';
      if (object.kind === 'RatifyVerification')
        found.push({ engine: 'Gatekeeper', object, does: 'signatures', enforced, detail: `Ratify verification constraint (enforcementAction ${action})` });
      else if (/AllowedRepos|AllowedImages|ImageDigests|DisallowedTags/i.test(object.kind))
        found.push({
          engine: 'Gatekeeper',
          object,
          does: 'allowlist',
          enforced,
          detail: `${object.kind}: restricts where images come from, but does not check signatures (enforcementAction ${action})`,
        });
    } else if (group === 'templates.gatekeeper.sh' && object.kind === 'ConstraintTemplate' && /ratify/i.test(object.name ?? '')) {
      found.push({
        engine: 'Gatekeeper',
        object,
        does: 'signatures',
        enforced: false,
        detail: 'the Ratify constraint template; a RatifyVerification constraint makes it enforce',
      });
    } else if (group === 'config.ratify.deislabs.io' && (object.kind === 'Verifier' || object.kind === 'Store' || object.kind === 'KeyManagementProvider')) {
      if (object.kind !== 'Verifier') continue;
      const name = typeof spec.name === 'string' ? spec.name : (object.name ?? '');
      if (!/notation|cosign|notary/i.test(name)) continue;
      found.push({ engine: 'Ratify', object, does: 'signatures', enforced: true, detail: `Ratify ${name} verifier` });
    } else if (isConnaisseur(object)) {
      if (found.some((a) => a.engine === 'Connaisseur')) continue;
      found.push({
        engine: 'Connaisseur',
        object,
        does: 'signatures',
        enforced: !detectionMode(object),
        detail: detectionMode(object)
          ? 'Connaisseur in detection mode: failures are only logged'
          : 'Connaisseur admission webhook (verifies signatures before admission)',
      });
    }
  }
  return found;
}

function isConnaisseur(object: K8sObject): boolean {
  const name = object.name ?? '';
  if (object.kind === 'MutatingWebhookConfiguration' && /connaisseur/i.test(name)) return true;
  return object.kind === 'Deployment' && (object.namespace === 'connaisseur' || /connaisseur/i.test(name));
}

/** Connaisseur's Helm value `application.features.detectionMode` reaches its deployment as the DETECTION_MODE variable. */
function detectionMode(object: K8sObject): boolean {
  const template = podTemplateOf(object);
  const containers = template && Array.isArray(template.spec.containers) ? template.spec.containers.filter(isRecord) : [];
  return containers.some(
    (c) => Array.isArray(c.env) && c.env.filter(isRecord).some((e) => e.name === 'DETECTION_MODE' && (e.value === 'true' || e.value === '1')),
  );
}

function policyControllerGaps(context: ControlContext, found: readonly Admission[]): { checks: Check[]; changes: ProposedChange[] } {
  const run = context.evidence.run;
  if (run === undefined || !found.some((a) => a.engine === 'sigstore policy-controller')) return { checks: [], changes: [] };
  const namespaces = namespaceObjects(run.objects);
  const checks: Check[] = [];
  const changes: ProposedChange[] = [];
  for (const [namespace, members] of byNamespace(teamWorkloads(run.objects))) {
    const labels = namespaces.get(namespace)?.raw.metadata;
    const included = isRecord(labels) && isRecord(labels.labels) && labels.labels['policy.sigstore.dev/include'] === 'true';
    if (included) continue;
    const nodes = onMap(
      context.map,
      members.map((w) => w.node),
    );
    checks.push(
      check(
        'partial',
        `namespace ${namespace} is not opted in to policy-controller (label policy.sigstore.dev/include=true missing): its pods are not verified`,
        `namespace ${namespace}`,
        nodes,
      ),
    );
    changes.push(
      change(`opt namespace ${namespace} in to signature verification`, {
        file: undefined,
        line: undefined,
        snippet: shellCommand(['kubectl', 'label', 'namespace', namespace, 'policy.sigstore.dev/include=true']),
        nodes,
      }),
    );
  }
  return { checks, changes };
}

/**
 * The image globs (Kyverno `imageReferences`, policy-controller `glob`) admitting what an allow-list
 * entry admits: the registry, or the repository and everything below it (`nginx` is
 * `docker.io/library/nginx`, never `nginx/*`).
 */
function imageGlobs(raw: string): string[] {
  const entry = parseAllowListEntry(raw);
  if (!entry) return [];
  if (entry.path === undefined) return [`${entry.host}/*`];
  const repository = `${entry.host}/${entry.path}`;
  return [`${repository}:*`, `${repository}@*`, `${repository}/*`];
}

/** A policy for the engine already installed (Kyverno when none is), covering the estate's registries. */
function proposal(context: ControlContext, found: readonly Admission[], nodes: string[]): ProposedChange {
  const registries =
    context.policy.allowedRegistries.length > 0
      ? context.policy.allowedRegistries.flatMap(imageGlobs)
      : context.evidence.registries.map((r) => `${r.registry}/*`);
  const references = registries.length > 0 ? registries : ['registry.example.com/*'];
  // a key path is shown inside a block scalar: one line, no YAML to break out of
  const key = (context.policy.trustedKeys[0] ?? 'cosign.pub').replace(/\s+/g, ' ');
  const warnOnly = found.find((a) => a.does === 'signatures' && !a.enforced);
  if (warnOnly?.engine === 'sigstore policy-controller') {
    return setting(warnOnly.object, ['spec', 'mode'], 'enforce', `switch ClusterImagePolicy ${warnOnly.object.name ?? ''} from warn to enforce`, nodes);
  }
  if (warnOnly?.engine === 'Kyverno') {
    return setting(
      warnOnly.object,
      ['spec', 'validationFailureAction'],
      'Enforce',
      `make Kyverno policy ${warnOnly.object.name ?? ''} reject unverified images`,
      nodes,
    );
  }
  if (found.some((a) => a.engine === 'sigstore policy-controller')) {
    const snippet = [
      'apiVersion: policy.sigstore.dev/v1beta1',
      'kind: ClusterImagePolicy',
      'metadata:',
      '  name: verify-image-signatures',
      'spec:',
      '  mode: enforce',
      '  images:',
      ...references.map((r) => `    - glob: ${yamlScalar(r)}`),
      '  authorities:',
      '    - key:',
      '        data: |',
      `          <contents of ${key}>`,
    ].join('\n');
    return change(`add a ClusterImagePolicy that requires signatures by ${key} for ${references.join(', ')}`, {
      file: undefined,
      line: undefined,
      snippet,
      nodes,
    });
  }
  const snippet = [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata:',
    '  name: verify-image-signatures',
    'spec:',
    '  webhookConfiguration:',
    '    failurePolicy: Fail',
    '  rules:',
    '    - name: verify-signature',
    '      match:',
    '        any:',
    '          - resources:',
    '              kinds: [Pod]',
    '      verifyImages:',
    '        - imageReferences:',
    ...references.map((r) => `            - ${yamlScalar(r)}`),
    '          failureAction: Enforce',
    '          attestors:',
    '            - entries:',
    '                - keys:',
    '                    publicKeys: |-',
    `                      <contents of ${key}>`,
  ].join('\n');
  return change(`install Kyverno if needed and apply this ClusterPolicy: pods whose images are not signed by ${key} are rejected`, {
    file: undefined,
    line: undefined,
    snippet,
    nodes,
  });
}

/** Sets a scalar of a manifest in its file (the value as the file has it replaced on its line), when the file says where. */
function setting(object: K8sObject, path: readonly string[], value: string, summary: string, nodes: string[]): ProposedChange {
  const line = object.lineOf(path);
  const current = path.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), object.raw);
  const name = path[path.length - 1] ?? '';
  const snippet = `${'  '.repeat(path.length - 1)}${name}: ${value}`;
  const known = line !== undefined && typeof current === 'string' && current !== '' && !name.includes(current) && !object.file.startsWith('cluster:');
  const edits: FileEdit[] = known ? [{ kind: 'substitute', file: object.file, line, find: current, replace: value }] : [];
  return change(summary, { file: object.file, line: line ?? object.line, snippet, edits, nodes });
}
