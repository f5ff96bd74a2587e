import { checkPodSecurity } from '../../../runtime/pod-security.js';
import type { PodSecurityResult } from '../../../runtime/pod-security.js';
import type { RuleFinding } from '../../../rules/rule.js';
import { podTemplateOf } from '../../../runtime/manifests/pods.js';
import type { RunEvidence } from '../../estate-model.js';
import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { systemNamespaces } from '../support/k8s.js';
import { composeServiceMerge, hardenPod, imageRunsAsRoot, yamlBlock } from '../support/manifest-edits.js';
import type { Check, PostureControl } from './control.js';
import { at, change, check, outcomeOf, unknown } from './control.js';

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
      'Per workload (system namespaces aside): allowed at restricted is met, otherwise a gap; the results of the Pod Security evaluation are used, at restricted. Compose services that add capabilities, allow new privileges or set no user (SS-CMP-002, -009, -010) are gaps too.',
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
      const object = run.objects.find(
        (o) => o.file === result.file && o.line === result.line && o.kind === result.kind && (o.name ?? '(unnamed)') === result.name,
      );
      const template = object ? podTemplateOf(object) : undefined;
      const hardening =
        object && template
          ? hardenPod(object, template, { level: 'restricted', runsAsRoot: (image) => imageRunsAsRoot(context.evidence.registries, image) })
          : undefined;
      const breaks = list ? `; it currently breaks ${violations.map((v) => v.check).join(', ')}` : '';
      if (hardening === undefined || hardening.edits.length === 0) {
        const byHand = hardening && hardening.manual.length > 0 ? `; by hand: ${hardening.manual.join('; ')}` : '';
        changes.push(
          change(`harden ${label} (${place}): set this securityContext on each container${breaks}${byHand}`, {
            file: result.file,
            line: result.line,
            snippet: restrictedContext,
            nodes,
          }),
        );
        continue;
      }
      const cautions = hardening.cautions.length > 0 ? ` Before applying: ${hardening.cautions.join('; ')}.` : '';
      changes.push({
        ...change(`harden ${label} (${place}) to meet restricted: ${hardening.sets.join('; ')}${breaks}.${cautions}`, {
          file: result.file,
          line: result.line,
          snippet: hardening.snippet,
          edits: hardening.edits,
          nodes,
        }),
        rules: hardening.rules,
      });
      if (hardening.manual.length > 0)
        changes.push(
          change(`and by hand for ${label}, which restricted still rejects after that: ${hardening.manual.join('; ')}`, {
            file: result.file,
            line: result.line,
            snippet: undefined,
            nodes,
          }),
        );
    }
    composeChecks(run, checks, changes);
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

/** The compose rules for what restricted asks of a pod: capabilities, no new privileges, a non-root user. */
const composeRules: Record<string, (finding: RuleFinding) => { patch: Parameters<typeof yamlBlock>[0] | undefined; byHand: string }> = {
  'SS-CMP-002': () => ({ patch: undefined, byHand: 'remove the capability from cap_add, or grant a narrower one: an application change' }),
  'SS-CMP-009': (finding) =>
    /no `no-new-privileges`/.test(finding.message)
      ? { patch: { security_opt: ['no-new-privileges:true'] }, byHand: '' }
      : { patch: undefined, byHand: 'replace the no-new-privileges:false entry of security_opt with no-new-privileges:true' },
  'SS-CMP-010': () => ({
    patch: undefined,
    byHand: 'set user to a non-root uid the image works as ("10001:10001" suits an image without a user of its own): the image must work without root first',
  }),
};

function composeChecks(run: RunEvidence, checks: Check[], changes: ProposedChange[]): void {
  for (const finding of run.findings) {
    const rule = composeRules[finding.ruleId];
    if (rule === undefined) continue;
    const { file, startLine } = finding.location;
    const place = at(file ?? run.sources.join(', '), startLine);
    checks.push(check('gap', `${finding.title}: ${finding.message}`, place, [], [finding.ruleId, finding.fingerprint]));
    const { patch, byHand } = rule(finding);
    if (patch !== undefined && file !== undefined && startLine !== undefined) {
      const snippet = yamlBlock(patch);
      changes.push({
        ...change(`${finding.message} (${place}): set ${snippet.replace(/\n\s*/g, ' ')} on the service`, {
          file,
          line: startLine,
          snippet,
          edits: [composeServiceMerge(file, startLine, patch)],
          nodes: [],
        }),
        rules: [finding.ruleId],
      });
    } else changes.push(change(`${finding.message} (${place}): ${byHand}`, { file, line: startLine, snippet: undefined, nodes: [] }));
  }
}
