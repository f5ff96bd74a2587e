/**
 * The edits the run-phase controls propose for Kubernetes manifests and compose files: a pod's
 * securityContext hardened to a Pod Security level (only what the level's failing checks need,
 * verified by evaluating the hardened pod again), merges into a pod spec, a container or a compose
 * service at the lines the loaders report, and new manifests (a Namespace, a default-deny
 * NetworkPolicy) next to the namespace's own. Names from the manifests reach new files only as
 * DNS labels, and their text only through `yamlScalar`.
 */
import path from 'node:path';
import { minOf } from '../../../core/collections.js';
import { isRecord } from '../../../core/records.js';
import type { RegistryScanReport } from '../../../distribute/model.js';
import type { NodeInfo } from '../../../runtime/cluster/nodes.js';
import type { K8sObject } from '../../../runtime/manifests/load.js';
import type { PodTemplate } from '../../../runtime/manifests/pods.js';
import { evaluatePod } from '../../../runtime/pss/evaluate.js';
import type { PssLevel, PssViolation } from '../../../runtime/pss/types.js';
import { checkWorkloads } from '../../../runtime/rules/check.js';
import type { FileEdit } from '../model.js';
import { findStored, parseImage } from './images.js';
import { yamlScalar } from './quote.js';

/** Whether an image runs as root as far as the registry scans read its configuration (undefined: not known). */
export function imageRunsAsRoot(registries: readonly RegistryScanReport[], image: string): boolean | undefined {
  const ref = parseImage(image);
  if (ref === undefined) return undefined;
  const platforms = (findStored(registries, ref.registry, ref.repository, ref.tag, ref.digest)?.image?.platforms ?? []).filter(
    (p) => p.runsAsRoot !== undefined,
  );
  return platforms.length === 0 ? undefined : platforms.some((p) => p.runsAsRoot === true);
}

/** A Kubernetes namespace name (an RFC 1123 DNS label): the only names that go into a new file's name. */
export function isDnsLabel(name: string): boolean {
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name);
}

type Patch = { [key: string]: boolean | string | string[] | Patch };

/** A flow-list item: plain when it is a plain word, else double-quoted. */
function flowItem(value: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(value) ? value : JSON.stringify(value);
}

/** Block YAML of a patch of the posture's own (plain keys; lists of strings in flow style). */
export function yamlBlock(patch: Patch, indent = ''): string {
  return Object.entries(patch)
    .map(([key, value]) => {
      if (Array.isArray(value)) return `${indent}${key}: [${value.map(flowItem).join(', ')}]`;
      if (typeof value === 'object') return `${indent}${key}:\n${yamlBlock(value, `${indent}  `)}`;
      return `${indent}${key}: ${typeof value === 'string' ? yamlScalar(value) : String(value)}`;
    })
    .join('\n');
}

/** Where an object's manifest can be edited: a file, not a live cluster's object or standard input. */
function editable(object: K8sObject): boolean {
  return !object.file.startsWith('cluster:') && object.file !== '(stdin)' && object.file !== '-';
}

/** A merge into the pod spec of a workload (`hostNetwork: false`, its securityContext), at the line the loader reports for it. */
export function podMerge(object: K8sObject, template: PodTemplate, patch: Patch): FileEdit | undefined {
  const keys = template.pathKeys;
  const line = object.lineOf(keys);
  if (!editable(object) || line === undefined) return undefined;
  // a Pod's spec is an entry of its document; a template's spec an entry of `template`
  const within = keys.length === 1 ? '(root)' : keys[keys.length - 2] === 'template' ? 'template' : undefined;
  if (within === undefined) return undefined;
  return { kind: 'yaml-merge', file: object.file, line, within, text: yamlBlock(patch) };
}

type ContainerList = 'containers' | 'initContainers';

/** A merge into one container of a workload, placed by the line of that container. */
export function containerMerge(object: K8sObject, template: PodTemplate, list: ContainerList, index: number, patch: Patch): FileEdit | undefined {
  const line = object.lineOf([...template.pathKeys, list, index]);
  if (!editable(object) || line === undefined) return undefined;
  return { kind: 'yaml-merge', file: object.file, line, within: list, text: yamlBlock(patch) };
}

/** A merge into the compose service holding `line` (a finding's line: its field, or the service's key when the field is absent). */
export function composeServiceMerge(file: string, line: number, patch: Patch): FileEdit {
  return { kind: 'yaml-merge', file, line, within: 'services', text: yamlBlock(patch) };
}

/** The pod's containers with their list and index (ephemeral containers are never in a manifest one applies). */
function containersOf(spec: Record<string, unknown>): { list: ContainerList; index: number; name: string; container: Record<string, unknown> }[] {
  return (['initContainers', 'containers'] as const).flatMap((list) => {
    const items: unknown[] = Array.isArray(spec[list]) ? spec[list] : [];
    return items.flatMap((container, index) =>
      isRecord(container) ? [{ list, index, name: typeof container.name === 'string' ? container.name : `#${index}`, container }] : [],
    );
  });
}

function context(record: Record<string, unknown>): Record<string, unknown> {
  return isRecord(record.securityContext) ? record.securityContext : {};
}

function capabilities(container: Record<string, unknown>, field: 'add' | 'drop'): string[] {
  const caps = context(container).capabilities;
  const list = isRecord(caps) ? caps[field] : undefined;
  return Array.isArray(list) ? list.filter((c): c is string => typeof c === 'string') : [];
}

/** A patch merged into a JSON value as yaml-merge merges it into the file: maps merged, lists extended, scalars set. */
function mergeJson(target: Record<string, unknown>, patch: Patch): void {
  for (const [key, value] of Object.entries(patch)) {
    const have = target[key];
    if (Array.isArray(value)) target[key] = [...(Array.isArray(have) ? have : []), ...value.filter((v) => !(Array.isArray(have) && have.includes(v)))];
    else if (typeof value === 'object') {
      if (!isRecord(have)) target[key] = {};
      mergeJson(target[key] as Record<string, unknown>, value);
    } else target[key] = value;
  }
}

const allowedSeccomp = new Set(['RuntimeDefault', 'Localhost']);

/** The host device paths (hostPath volumes under /dev) a container mounts: what it is likely privileged for. */
export function hostDevices(spec: Record<string, unknown>, container: Record<string, unknown>): string[] {
  const mounts = Array.isArray(container.volumeMounts) ? container.volumeMounts.filter(isRecord).map((m) => m.name) : [];
  const volumes: unknown[] = Array.isArray(spec.volumes) ? spec.volumes : [];
  return volumes.flatMap((v) =>
    isRecord(v) && mounts.includes(v.name) && isRecord(v.hostPath) && typeof v.hostPath.path === 'string' && /^\/dev(\/|$)/.test(v.hostPath.path)
      ? [v.hostPath.path]
      : [],
  );
}

/** Why `privileged: false` is left to a person for a container that uses host devices. */
export function deviceWhy(container: string, devices: readonly string[]): string {
  return `container ${container} uses the host's ${devices.join(', ')}, which it needs privileged for: give it the devices another way (a device plugin) first, an application change`;
}

/** What hardening a workload to a Pod Security level proposes. */
interface Hardening {
  /** yaml-merge edits: one for the pod spec, one per container; empty when the manifest cannot be edited. */
  edits: FileEdit[];
  /** What the edits set, in words (`pod securityContext.runAsNonRoot: true`). */
  sets: string[];
  /** What is left to do by hand, with why: the checks the hardened pod still fails. */
  manual: string[];
  /** Cautions about what the edits set (an image whose user is not known). */
  cautions: string[];
  /** The workload rules (SS-K8S-…) whose findings on this object the edits clear. */
  rules: string[];
  /** The merge texts, for the report. */
  snippet: string;
}

interface HardeningOptions {
  level: Exclude<PssLevel, 'privileged'>;
  /** Whether an image runs as root, as far as the registry scans know (undefined: not known). */
  runsAsRoot: (image: string) => boolean | undefined;
}

/** Why a check the edits do not fix is left to a person. */
const manualWhy: Record<string, string> = {
  hostPathVolumes: 'hostPath volumes: an application change (use a volume type the level allows)',
  restrictedVolumes: 'volume types the level does not allow: an application change',
  capabilities_baseline: 'added capabilities beyond the baseline set: an application change (remove them, or grant a narrower one)',
  capabilities_restricted: 'added capabilities other than NET_BIND_SERVICE: an application change',
  runAsUser: 'runAsUser 0: an application change (run as a non-zero uid)',
  hostPorts: 'hostPort: an application change (reach it through a Service)',
  windowsHostProcess: 'a Windows HostProcess pod: an application change',
};

/**
 * The securityContext a workload needs to pass `level` (at the newest policy version): for each
 * check it fails, the fields that fix it — pod `runAsNonRoot: true` and `seccompProfile:
 * {type: RuntimeDefault}`, each container's `allowPrivilegeEscalation: false`, `capabilities.drop:
 * [ALL]`, `privileged: false`, and `hostNetwork`/`hostPID`/`hostIPC: false` — and nothing for the
 * checks it passes. The hardened pod is evaluated again: what it still fails is `manual`.
 */
export function hardenPod(object: K8sObject, template: PodTemplate, options: HardeningOptions): Hardening {
  const spec = template.spec;
  const failing = new Set(evaluatePod({ metadata: template.metadata, spec }, options.level, 'latest').violations.map((v) => v.check));
  const pod: Patch = {};
  const podContext: Patch = {};
  const perContainer = new Map<string, Patch>();
  const sets: string[] = [];
  const cautions: string[] = [];
  const why = new Map<string, string>();
  const containers = containersOf(spec);
  const windows = isRecord(spec.os) && spec.os.name === 'windows';
  const patchOf = (list: ContainerList, index: number): Patch => {
    const key = `${list}\0${index}`;
    const patch = perContainer.get(key) ?? {};
    perContainer.set(key, patch);
    return patch;
  };
  const containerSets = new Map<string, string[]>();
  const setOn = (c: (typeof containers)[number], field: string, value: boolean | string | string[] | Patch, words: string): void => {
    const patch = patchOf(c.list, c.index);
    patch.securityContext = { ...((patch.securityContext as Patch | undefined) ?? {}), [field]: value };
    containerSets.set(c.name, [...(containerSets.get(c.name) ?? []), words]);
  };
  if (windows) why.set('*', 'a Windows pod: its securityContext is set by hand (Linux fields are refused on it)');
  else {
    if (failing.has('hostNamespaces'))
      for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const)
        if (spec[field] === true) {
          pod[field] = false;
          sets.push(`${field}: false (the pod gets its own namespace: what it did in the host's must be done another way)`);
        }
    if (failing.has('privileged'))
      for (const c of containers) {
        if (context(c.container).privileged !== true) continue;
        const devices = hostDevices(spec, c.container);
        if (devices.length > 0) why.set('privileged', deviceWhy(c.name, devices));
        else setOn(c, 'privileged', false, 'privileged: false');
      }
    if (failing.has('allowPrivilegeEscalation'))
      for (const c of containers) {
        if (context(c.container).allowPrivilegeEscalation === false) continue;
        if (capabilities(c.container, 'add').some((cap) => cap.toUpperCase().replace(/^CAP_/, '') === 'SYS_ADMIN')) {
          why.set(
            'allowPrivilegeEscalation',
            `container ${c.name} adds SYS_ADMIN, which the API refuses with allowPrivilegeEscalation: false: an application change`,
          );
          continue;
        }
        setOn(c, 'allowPrivilegeEscalation', false, 'allowPrivilegeEscalation: false');
      }
    if (failing.has('runAsNonRoot')) {
      const images = containers.map((c) => (typeof c.container.image === 'string' ? c.container.image : ''));
      const root = images.filter((image) => options.runsAsRoot(image) === true);
      if (root.length > 0) {
        why.set(
          'runAsNonRoot',
          `${root.join(', ')} run${root.length === 1 ? 's' : ''} as root (registry scan): make the image run as a non-root user first (SS-CTL-B04), or set runAsUser to one it works as; with runAsNonRoot the kubelet would refuse to start it`,
        );
      } else {
        if (context(spec).runAsNonRoot !== true) {
          podContext.runAsNonRoot = true;
          sets.push('pod runAsNonRoot: true');
        }
        for (const c of containers)
          if (context(c.container).runAsNonRoot !== undefined && context(c.container).runAsNonRoot !== true)
            setOn(c, 'runAsNonRoot', true, 'runAsNonRoot: true');
        const unknown = images.filter((image) => options.runsAsRoot(image) === undefined);
        if (unknown.length > 0)
          cautions.push(
            `the kubelet refuses to start a container whose image runs as root under runAsNonRoot: check that ${unknown.join(', ')} run${unknown.length === 1 ? 's' : ''} as a non-root numeric user (no registry scan says)`,
          );
      }
    }
    if (failing.has('seccompProfile_restricted') || failing.has('seccompProfile_baseline')) {
      const type = (record: Record<string, unknown>): unknown =>
        isRecord(context(record).seccompProfile) ? (context(record).seccompProfile as Record<string, unknown>).type : undefined;
      const podType = type(spec);
      if (!(typeof podType === 'string' && allowedSeccomp.has(podType)) && (failing.has('seccompProfile_restricted') || podType !== undefined)) {
        podContext.seccompProfile = { type: 'RuntimeDefault' };
        sets.push('pod seccompProfile RuntimeDefault');
      }
      for (const c of containers) {
        const own = type(c.container);
        if (own !== undefined && !(typeof own === 'string' && allowedSeccomp.has(own)))
          setOn(c, 'seccompProfile', { type: 'RuntimeDefault' }, 'seccompProfile RuntimeDefault');
      }
    }
    if (failing.has('capabilities_restricted'))
      for (const c of containers) if (!capabilities(c.container, 'drop').includes('ALL')) setOn(c, 'capabilities', { drop: ['ALL'] }, 'drop ALL capabilities');
  }
  if (Object.keys(podContext).length > 0) pod.securityContext = podContext;
  for (const [name, words] of containerSets) sets.push(`container ${name}: ${words.join(', ')}`);
  // the edits, and the object as they leave it
  const edits: FileEdit[] = [];
  const raw = structuredClone(object.raw);
  let hardenedSpec: unknown = raw;
  for (const key of template.pathKeys) hardenedSpec = isRecord(hardenedSpec) ? hardenedSpec[key] : undefined;
  const texts: string[] = [];
  if (Object.keys(pod).length > 0 && isRecord(hardenedSpec)) {
    mergeJson(hardenedSpec, pod);
    const edit = podMerge(object, template, pod);
    if (edit) edits.push(edit);
    texts.push(`# the pod spec (${template.path})\n${yamlBlock(pod)}`);
  }
  for (const c of containers) {
    const patch = perContainer.get(`${c.list}\0${c.index}`);
    const target = isRecord(hardenedSpec) && Array.isArray(hardenedSpec[c.list]) ? (hardenedSpec[c.list] as unknown[])[c.index] : undefined;
    if (patch === undefined || !isRecord(target)) continue;
    mergeJson(target, patch);
    const edit = containerMerge(object, template, c.list, c.index, patch);
    if (edit) edits.push(edit);
    texts.push(`# ${c.list === 'containers' ? 'container' : 'init container'} ${c.name}\n${yamlBlock(patch)}`);
  }
  const remaining = isRecord(hardenedSpec) ? evaluatePod({ metadata: template.metadata, spec: hardenedSpec }, options.level, 'latest').violations : [];
  const expected = sets.length > 0 ? (Object.keys(pod).length > 0 ? 1 : 0) + perContainer.size : 0;
  const manual = remaining.map((v) => manualText(v, why));
  if (edits.length < expected)
    manual.unshift(
      `the manifest at ${object.file}:${object.line} cannot be edited here (a live cluster's object, or a place the loader did not report): set the fields by hand`,
    );
  const hardened: K8sObject = { ...object, raw };
  return { edits: edits.length < expected ? [] : edits, sets, manual, cautions, rules: clearedRules(object, hardened), snippet: texts.join('\n') };
}

function manualText(violation: PssViolation, why: ReadonlyMap<string, string>): string {
  const reason = why.get(violation.check) ?? why.get('*') ?? manualWhy[violation.check];
  return `${violation.check}${violation.detail ? ` (${violation.detail})` : ''}${reason ? `: ${reason}` : ''}`;
}

/** The rule ids whose findings on `before` (rules about the object alone) are gone from `after`. */
export function clearedRules(before: K8sObject, after: K8sObject): string[] {
  const remaining = new Set(checkWorkloads([after]).map((f) => f.fingerprint));
  return [
    ...new Set(
      checkWorkloads([before])
        .filter((f) => !remaining.has(f.fingerprint))
        .map((f) => f.ruleId),
    ),
  ].sort();
}

/** The Pod Security policy version to pin in a namespace label: the oldest kubelet's minor among the nodes read, else none (latest). */
export function policyVersion(nodes: readonly NodeInfo[]): string | undefined {
  const minors = nodes.flatMap((n) => {
    const match = /^v1\.(\d+)(\.|$)/.exec(n.kubeletVersion ?? '');
    return match?.[1] === undefined ? [] : [Number(match[1])];
  });
  return minors.length === 0 ? undefined : `v1.${minOf(minors)}`;
}

/**
 * A new manifest for a namespace: a file `fileName` next to `anchor` (one of the namespace's
 * manifests), or — when `anchor` was named as a manifest source itself, so a new file beside it
 * would not be read — a document appended to it. Undefined for a live cluster's objects and stdin.
 */
export function newManifest(anchor: string, sources: readonly string[], fileName: string, text: string): FileEdit | undefined {
  if (anchor.startsWith('cluster:') || anchor === '(stdin)' || anchor === '-') return undefined;
  if (sources.some((s) => path.normalize(s) === path.normalize(anchor))) {
    return /\.ya?ml$/i.test(anchor) ? { kind: 'append', file: anchor, text: `---\n${text}` } : undefined;
  }
  return { kind: 'create', file: path.join(path.dirname(anchor), fileName), text };
}

/** A Namespace manifest with its Pod Security labels. */
export function namespaceManifest(namespace: string, level: string, version: string | undefined): string {
  const labels: Patch = { 'pod-security.kubernetes.io/enforce': level };
  if (version !== undefined) labels['pod-security.kubernetes.io/enforce-version'] = version;
  return `apiVersion: v1\nkind: Namespace\n${yamlBlock({ metadata: { name: namespace, labels } })}\n`;
}

/**
 * A default-deny NetworkPolicy for a namespace (every pod selected, ingress and egress), and the
 * allow that keeps name resolution working: egress to kube-dns (`k8s-app: kube-dns` in kube-system,
 * the label CoreDNS keeps on kubeadm, EKS, GKE and AKS) on port 53, UDP and TCP.
 */
export function defaultDenyManifests(namespace: string, names: { deny: string; dns: string }): string {
  const head = (name: string): string => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n${yamlBlock({ metadata: { name, namespace } })}`;
  return [
    `${head(names.deny)}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n`,
    `${head(names.dns)}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n        - { protocol: UDP, port: 53 }\n        - { protocol: TCP, port: 53 }\n`,
  ].join('---\n');
}
