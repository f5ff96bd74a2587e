import type { RuleFinding } from '../../../rules/rule.js';
import type { K8sObject } from '../../../runtime/manifests/load.js';
import { isRecord } from '../../../core/records.js';
import type { FileEdit, ProposedChange } from '../model.js';
import { onMap } from '../support/ids.js';
import { teamWorkloads } from '../support/k8s.js';
import type { Workload } from '../support/k8s.js';
import { composeServiceMerge, containerMerge, deviceWhy, hostDevices, podMerge } from '../support/manifest-edits.js';
import type { Check, PostureControl } from './control.js';
import { at, change, check, outcomeOf, unknown } from './control.js';

/** Compose rules for the same escapes: privileged, host network / PID / IPC, the runtime socket. */
const composeRules = new Set(['SS-CMP-001', 'SS-CMP-003', 'SS-CMP-004', 'SS-CMP-005', 'SS-CMP-006']);
/** Capabilities that amount to root on the host. */
const dangerousCapabilities = new Set(['ALL', 'SYS_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'DAC_READ_SEARCH', 'NET_ADMIN', 'BPF']);
const runtimeSockets = /(docker|containerd|crio|cri-dockerd)\.sock$|^\/var\/run\/?$|^\/run\/?$|^\/$/;

/** One way a workload can reach the host, the field that grants it, and the edit that takes it away (none: an application change). */
interface Escape {
  what: string;
  path: (string | number)[];
  fix: string;
  edit?: FileEdit | undefined;
}

const composeDeviceWhy =
  'the service uses host devices (SS-CMP-015): name each device it needs in `devices:` and then drop `privileged` — an application change, as dropping it alone would cut the service off its devices';

/** The compose service of `finding` is also given host devices (SS-CMP-015 in the same file, for the same service). */
function usesHostDevices(findings: readonly RuleFinding[], finding: RuleFinding): boolean {
  if (finding.ruleId !== 'SS-CMP-001') return false;
  const service = /^service "[^"]*"/.exec(finding.message)?.[0];
  return findings.some((f) => f.ruleId === 'SS-CMP-015' && f.location.file === finding.location.file && service !== undefined && f.message.startsWith(service));
}

/** What each compose escape takes: the merge into the service, or why it is left to a person. */
const composeFixes: Record<string, { patch: { privileged: false } } | { byHand: string }> = {
  'SS-CMP-001': { patch: { privileged: false } },
  'SS-CMP-003': { byHand: "stop sharing the host's network (publish the ports the service needs instead): an application change" },
  'SS-CMP-004': { byHand: "remove `pid: host`: an application change (the service then no longer sees the host's processes)" },
  'SS-CMP-005': { byHand: "remove `ipc: host`: an application change (the service then no longer shares the host's IPC)" },
  'SS-CMP-006': { byHand: 'stop mounting the Docker socket (put a filtering socket proxy in front of it if a tool needs the API): an application change' },
};

/** SS-CTL-R06: no workload is privileged or shares the host's namespaces. */
export const noPrivilegedWorkloads: PostureControl = {
  meta: {
    id: 'SS-CTL-R06',
    phase: 'run',
    title: 'No privileged workloads',
    objective:
      "No container runs privileged, adds root-equivalent capabilities, shares the host's PID / network / IPC namespaces or mounts the container runtime socket.",
    evaluation: 'Per workload (system namespaces aside) and compose service: none of those is met; any is a gap, pointing at the field.',
    references: [
      { framework: 'CIS Docker Benchmark', id: '5.5', title: 'Ensure that privileged containers are not used' },
      { framework: 'CIS Docker Benchmark', id: '5.16', title: "Ensure that the host's process namespace is not shared" },
      { framework: 'Pod Security Standards', id: 'baseline', title: 'Privileged containers, host namespaces, capabilities' },
    ],
    weight: 2,
  },
  evaluate(context) {
    const { run } = context.evidence;
    if (run === undefined) return unknown('no workloads were read (no manifests, no cluster)');
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const workload of teamWorkloads(run.objects)) {
      const escapes = escapesOf(workload);
      const label = `${workload.namespace}/${workload.object.kind}/${workload.name}`;
      const nodes = onMap(context.map, [workload.node]);
      if (escapes.length === 0) {
        checks.push(check('met', `${label} is not privileged`, at(workload.object.file, workload.object.line), nodes));
        continue;
      }
      const first = escapes[0] as Escape;
      checks.push(check('gap', `${label}: ${escapes.map((e) => e.what).join('; ')}`, at(workload.object.file, lineOf(workload.object, first.path)), nodes));
      for (const escape of escapes) {
        const line = lineOf(workload.object, escape.path);
        changes.push(
          change(`${label}: ${escape.fix}`, { file: workload.object.file, line, snippet: undefined, edits: escape.edit ? [escape.edit] : [], nodes }),
        );
      }
    }
    for (const finding of run.findings.filter((f) => composeRules.has(f.ruleId))) {
      const { file, startLine } = finding.location;
      const place = at(file ?? run.sources.join(', '), startLine);
      checks.push(check('gap', `${finding.title}: ${finding.message}`, place, [], [finding.ruleId, finding.fingerprint]));
      // a privileged service given host devices is privileged to reach them: dropping it would break the service
      const fix = usesHostDevices(run.findings, finding) ? { byHand: composeDeviceWhy } : composeFixes[finding.ruleId];
      if (fix !== undefined && 'patch' in fix && file !== undefined && startLine !== undefined)
        changes.push({
          ...change(`${finding.title} at ${place}: set \`privileged: false\` on the service, and grant only the capabilities it needs (cap_add)`, {
            file,
            line: startLine,
            snippet: 'privileged: false',
            edits: [composeServiceMerge(file, startLine, fix.patch)],
            nodes: [],
          }),
          rules: [finding.ruleId],
        });
      else
        changes.push(
          change(`${finding.title} at ${place}: ${fix !== undefined && 'byHand' in fix ? fix.byHand : 'remove it'}`, {
            file,
            line: startLine,
            snippet: undefined,
            nodes: [],
          }),
        );
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'workloads', met: 'run unprivileged', notMet: 'run privileged or share the host' },
      'no workloads outside the system namespaces were read',
    );
  },
};

function lineOf(object: K8sObject, path: readonly (string | number)[]): number {
  return object.lineOf(path) ?? object.line;
}

function escapesOf(workload: Workload): Escape[] {
  const { spec, pathKeys } = workload.template;
  const escapes: Escape[] = [];
  for (const [field, name] of [
    ['hostPID', 'host PID namespace'],
    ['hostNetwork', 'host network'],
    ['hostIPC', 'host IPC namespace'],
  ] as const) {
    if (spec[field] === true)
      escapes.push({
        what: `shares the ${name} (${field}: true)`,
        path: [...pathKeys, field],
        fix: `set \`${field}: false\`: the pod gets its own namespace (what it did in the host's must then be done another way)`,
        edit: podMerge(workload.object, workload.template, { [field]: false }),
      });
  }
  for (const list of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    const containers = Array.isArray(spec[list]) ? spec[list] : [];
    containers.forEach((container: unknown, index) => {
      if (!isRecord(container)) return;
      const name = typeof container.name === 'string' ? container.name : `#${index}`;
      const context = isRecord(container.securityContext) ? container.securityContext : {};
      const base = [...pathKeys, list, index, 'securityContext'];
      const devices = hostDevices(spec, container);
      if (context.privileged === true)
        escapes.push({
          what: `container ${name} is privileged`,
          path: [...base, 'privileged'],
          fix: devices.length > 0 ? deviceWhy(name, devices) : `set \`privileged: false\` on container ${name} and grant only the capabilities it needs`,
          edit:
            list === 'ephemeralContainers' || devices.length > 0
              ? undefined
              : containerMerge(workload.object, workload.template, list, index, { securityContext: { privileged: false } }),
        });
      const add =
        isRecord(context.capabilities) && Array.isArray(context.capabilities.add)
          ? context.capabilities.add.filter((c): c is string => typeof c === 'string')
          : [];
      const bad = add.filter((c) => dangerousCapabilities.has(c.toUpperCase().replace(/^CAP_/, '')));
      if (bad.length > 0)
        escapes.push({
          what: `container ${name} adds ${bad.join(', ')}`,
          path: [...base, 'capabilities', 'add'],
          fix: `drop ${bad.join(', ')} from container ${name}: an application change`,
        });
    });
  }
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  volumes.forEach((volume: unknown, index) => {
    if (!isRecord(volume) || !isRecord(volume.hostPath) || typeof volume.hostPath.path !== 'string') return;
    if (runtimeSockets.test(volume.hostPath.path))
      escapes.push({
        what: `mounts the host's ${volume.hostPath.path}`,
        path: [...pathKeys, 'volumes', index, 'hostPath', 'path'],
        fix: /docker\.sock$/.test(volume.hostPath.path)
          ? `stop mounting the Docker socket (${volume.hostPath.path}): it gives control of the node; an application change`
          : `stop mounting the host's ${volume.hostPath.path}: it gives control of the node; an application change`,
      });
  });
  return escapes;
}
