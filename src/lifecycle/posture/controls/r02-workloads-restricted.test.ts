import { dedent } from '../../../test-support/text.js';
import { describe, expect, it } from 'vitest';
import { checkCompose } from '../../../runtime/compose/check.js';
import { loadManifests } from '../../../runtime/manifests/load.js';
import { checkPodSecurity } from '../../../runtime/pod-security.js';
import { checkWorkloads } from '../../../runtime/rules/check.js';
import { applyEdits } from '../apply.js';
import { unifiedDiff } from '../patch.js';
import type { ProposedChange } from '../model.js';
import { context, digestOf, estate, registry, run, stored } from '../test-evidence.js';
import { workloadsRestricted } from './r02-workloads-restricted.js';

const hardened = `apiVersion: v1
kind: Pod
metadata:
  name: good
  namespace: shop
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: r.example/app@sha256:${'a'.repeat(64)}
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: [ALL]
`;
const plain = dedent`
  apiVersion: v1
  kind: Pod
  metadata:
    name: plain
    namespace: shop
  spec:
    containers:
      - name: app
        image: nginx:1.27
`;

/** Every workload kind, 4-space indented, commented, with an init container, flow maps and a container that is half there. */
const estateYaml = dedent`
  # the shop's workloads
  apiVersion: apps/v1
  kind: Deployment
  metadata:
      name: api
      namespace: shop
  spec:
      template:
          spec:
              initContainers:
                  - name: migrate   # runs first
                    image: r.example/api:1
              containers:
                  - name: api
                    image: r.example/api:1
                    securityContext: { capabilities: { drop: [NET_RAW] } }
  ---
  apiVersion: batch/v1
  kind: CronJob
  metadata:
    name: report
    namespace: shop
  spec:
    schedule: "0 3 * * *"
    jobTemplate:
      spec:
        template:
          spec:
            restartPolicy: OnFailure
            securityContext:
              seccompProfile: { type: Unconfined }
            containers:
              - name: report
                image: r.example/report:2
                securityContext:
                  runAsNonRoot: false
  ---
  apiVersion: apps/v1
  kind: StatefulSet
  metadata: { name: db, namespace: shop }
  spec:
    template:
      spec:
        containers:
        - name: db
          image: r.example/db:3
  ---
  apiVersion: apps/v1
  kind: DaemonSet
  metadata:
    name: agent
    namespace: shop
  spec:
    template:
      spec:
        hostPID: true
        containers:
          - name: agent
            image: r.example/agent:4
            securityContext:
              privileged: true
  ---
  apiVersion: batch/v1
  kind: Job
  metadata:
    name: once
    namespace: shop
  spec:
    template:
      spec:
        containers:
          - name: once
            image: r.example/once:5
`;

const patches = (changes: readonly ProposedChange[]): ProposedChange[] => changes.filter((c) => c.edits.length > 0);

/** The text after every edit of the changes (all together, as `fix` applies them). */
const patched = (text: string, changes: readonly ProposedChange[]): string =>
  applyEdits(
    text,
    'deploy.yaml',
    changes.flatMap((c) => c.edits),
  );

/** Findings of the workload rules in `after` that `before` did not have. */
function newFindings(before: string, after: string): string[] {
  const known = new Set(checkWorkloads(loadManifests([{ name: 'deploy.yaml', text: before }]).objects).map((f) => f.fingerprint));
  return checkWorkloads(loadManifests([{ name: 'deploy.yaml', text: after }]).objects)
    .filter((f) => !known.has(f.fingerprint))
    .map((f) => `${f.ruleId} ${f.message}`);
}

describe('SS-CTL-R02 workloads meet restricted', () => {
  it('is met for a hardened pod', () => {
    expect(workloadsRestricted.evaluate(context(estate({ run: run(hardened) }))).status).toBe('met');
  });

  it('is partial with the violations and the securityContext to set, as edits', () => {
    const evidence = run(`${hardened}---\n${plain}`);
    const outcome = workloadsRestricted.evaluate(context(estate({ run: evidence })));
    expect(outcome.status).toBe('partial');
    const gap = outcome.evidence.find((e) => !e.ok);
    expect(gap?.where).toBe('deploy.yaml:19');
    expect(gap?.findings).toContain('runAsNonRoot');
    expect(outcome.changes[0]).toMatchObject({ file: 'deploy.yaml', line: 19, rules: ['SS-K8S-006'] });
    expect(outcome.changes[0]?.snippet).toBe(
      '# the pod spec (spec)\nsecurityContext:\n  runAsNonRoot: true\n  seccompProfile:\n    type: RuntimeDefault\n# container app\nsecurityContext:\n  allowPrivilegeEscalation: false\n  capabilities:\n    drop: [ALL]',
    );
    expect(outcome.changes[0]?.summary).toContain(
      'pod runAsNonRoot: true; pod seccompProfile RuntimeDefault; container app: allowPrivilegeEscalation: false, drop ALL capabilities',
    );
  });

  it("reads the evidence's Pod Security results (checked at baseline: rejectedAtRestricted)", () => {
    const evidence = run(plain);
    evidence.podSecurity = checkPodSecurity(evidence.objects, { level: 'baseline', version: 'latest', explicit: true });
    expect(evidence.podSecurity[0]?.rejectedAtRestricted).toBe(true);
    expect(workloadsRestricted.evaluate(context(estate({ run: evidence }))).status).toBe('gap');
  });

  it('hardens every workload kind in place: applied, reloaded and evaluated again, each meets restricted, with no new finding and nothing more to do', () => {
    const outcome = workloadsRestricted.evaluate(context(estate({ run: run(estateYaml) })));
    expect(outcome.status).toBe('gap');
    expect(patches(outcome.changes)).toHaveLength(5);
    expect(outcome.changes.filter((c) => c.edits.length === 0)).toEqual([]);
    const after = patched(estateYaml, outcome.changes);
    expect(loadManifests([{ name: 'deploy.yaml', text: after }]).diagnostics).toEqual([]);
    const again = workloadsRestricted.evaluate(context(estate({ run: run(after) })));
    expect(again).toMatchObject({ status: 'met', changes: [] });
    expect(newFindings(estateYaml, after)).toEqual([]);
    // what it set, and nothing else: the comments, each document's indentation and the flow maps stay
    // the diff: what restricted needs and nothing else; the comments, each document's indentation and the flow maps stay
    expect(unifiedDiff('deploy.yaml', estateYaml, after)).toBe(
      [
        'diff --git a/deploy.yaml b/deploy.yaml',
        '--- a/deploy.yaml',
        '+++ b/deploy.yaml',
        '@@ -10,10 +10,18 @@',
        '             initContainers:',
        '                 - name: migrate   # runs first',
        '                   image: r.example/api:1',
        '+                  securityContext:',
        '+                      allowPrivilegeEscalation: false',
        '+                      capabilities:',
        '+                          drop: [ALL]',
        '             containers:',
        '                 - name: api',
        '                   image: r.example/api:1',
        '-                  securityContext: { capabilities: { drop: [NET_RAW] } }',
        '+                  securityContext: { capabilities: { drop: [NET_RAW, ALL] }, allowPrivilegeEscalation: false }',
        '+            securityContext:',
        '+                runAsNonRoot: true',
        '+                seccompProfile:',
        '+                    type: RuntimeDefault',
        ' ---',
        ' apiVersion: batch/v1',
        ' kind: CronJob',
        '@@ -28,12 +36,16 @@',
        '         spec:',
        '           restartPolicy: OnFailure',
        '           securityContext:',
        '-            seccompProfile: { type: Unconfined }',
        '+            seccompProfile: { type: RuntimeDefault }',
        '+            runAsNonRoot: true',
        '           containers:',
        '             - name: report',
        '               image: r.example/report:2',
        '               securityContext:',
        '-                runAsNonRoot: false',
        '+                runAsNonRoot: true',
        '+                allowPrivilegeEscalation: false',
        '+                capabilities:',
        '+                  drop: [ALL]',
        ' ---',
        ' apiVersion: apps/v1',
        ' kind: StatefulSet',
        '@@ -44,6 +56,14 @@',
        '       containers:',
        '       - name: db',
        '         image: r.example/db:3',
        '+        securityContext:',
        '+          allowPrivilegeEscalation: false',
        '+          capabilities:',
        '+            drop: [ALL]',
        '+      securityContext:',
        '+        runAsNonRoot: true',
        '+        seccompProfile:',
        '+          type: RuntimeDefault',
        ' ---',
        ' apiVersion: apps/v1',
        ' kind: DaemonSet',
        '@@ -53,12 +73,19 @@',
        ' spec:',
        '   template:',
        '     spec:',
        '-      hostPID: true',
        '+      hostPID: false',
        '       containers:',
        '         - name: agent',
        '           image: r.example/agent:4',
        '           securityContext:',
        '-            privileged: true',
        '+            privileged: false',
        '+            allowPrivilegeEscalation: false',
        '+            capabilities:',
        '+              drop: [ALL]',
        '+      securityContext:',
        '+        runAsNonRoot: true',
        '+        seccompProfile:',
        '+          type: RuntimeDefault',
        ' ---',
        ' apiVersion: batch/v1',
        ' kind: Job',
        '@@ -71,3 +98,11 @@',
        '       containers:',
        '         - name: once',
        '           image: r.example/once:5',
        '+          securityContext:',
        '+            allowPrivilegeEscalation: false',
        '+            capabilities:',
        '+              drop: [ALL]',
        '+      securityContext:',
        '+        runAsNonRoot: true',
        '+        seccompProfile:',
        '+          type: RuntimeDefault',
        '',
      ].join('\n'),
    );
    // applied once more, the same edits change nothing where they merge into what is now there
    const single = run(plain);
    const once = patched(plain, workloadsRestricted.evaluate(context(estate({ run: single }))).changes);
    expect(patched(once, workloadsRestricted.evaluate(context(estate({ run: single }))).changes)).toBe(once);
  });

  it('leaves runAsNonRoot by hand when a registry scan says the image runs as root, and warns when nothing says', () => {
    const reg = registry('docker.io', [{ name: 'library/nginx', images: [stored(digestOf('nginx'), ['1.27'], { platform: { runsAsRoot: true } })] }]);
    const outcome = workloadsRestricted.evaluate(context(estate({ registries: [reg], run: run(plain) })));
    expect(outcome.changes[0]?.edits.map((e) => (e.kind === 'yaml-merge' ? e.text : e.kind))).toEqual([
      'securityContext:\n  seccompProfile:\n    type: RuntimeDefault',
      'securityContext:\n  allowPrivilegeEscalation: false\n  capabilities:\n    drop: [ALL]',
    ]);
    expect(outcome.changes[1]).toMatchObject({ edits: [] });
    expect(outcome.changes[1]?.summary).toMatch(/^and by hand for shop\/Pod\/plain.*runAsNonRoot.*nginx:1\.27 runs as root \(registry scan\)/);
    const after = workloadsRestricted.evaluate(context(estate({ registries: [reg], run: run(patched(plain, outcome.changes)) })));
    expect(after.evidence[0]?.findings).toEqual(['runAsNonRoot']);
    expect(patches(after.changes)).toEqual([]);
    const unknownUser = workloadsRestricted.evaluate(context(estate({ run: run(plain) })));
    expect(unknownUser.changes[0]?.summary).toContain(
      'Before applying: the kubelet refuses to start a container whose image runs as root under runAsNonRoot: check that nginx:1.27',
    );
  });

  it('leaves an application change by hand: hostPath volumes, added capabilities, SYS_ADMIN with allowPrivilegeEscalation, Windows pods', () => {
    const pod = dedent`
      apiVersion: v1
      kind: Pod
      metadata:
        name: tool
        namespace: shop
      spec:
        containers:
          - name: tool
            image: r.example/tool:1
            securityContext:
              capabilities:
                add: [SYS_ADMIN]
        volumes:
          - name: host
            hostPath:
              path: /var/lib/tool
    `;
    const outcome = workloadsRestricted.evaluate(context(estate({ run: run(pod) })));
    const manual = outcome.changes.find((c) => c.edits.length === 0)?.summary ?? '';
    expect(manual).toContain('restrictedVolumes (volumes "host" use restricted volume types "hostPath")');
    expect(manual).toContain('an application change');
    expect(manual).toContain('adds SYS_ADMIN, which the API refuses with allowPrivilegeEscalation: false');
    const after = patched(pod, outcome.changes);
    expect(after).not.toContain('allowPrivilegeEscalation');
    expect(newFindings(pod, after)).toEqual([]);
    const windows = plain.replace('spec:\n', 'spec:\n  os: { name: windows }\n');
    const forWindows = workloadsRestricted.evaluate(context(estate({ run: run(windows) })));
    expect(patches(forWindows.changes)).toEqual([]);
    expect(forWindows.changes[0]?.summary).toContain('a Windows pod');
  });

  it('proposes nothing to write for objects read from a live cluster', () => {
    const evidence = run(plain, {}, 'cluster:prod');
    expect(patches(workloadsRestricted.evaluate(context(estate({ run: evidence }))).changes)).toEqual([]);
  });

  it('sets no-new-privileges on a compose service and leaves its user and capabilities by hand', () => {
    const compose = 'services:\n  app:\n    image: alpine:3.20\n    cap_add: [SYS_ADMIN]\n    user: "10001"\n  web:\n    image: nginx:1.27\n    user: root\n';
    const evidence = run(hardened, { findings: checkCompose('compose.yaml', compose).findings.filter((f) => /SS-CMP-00[29]|SS-CMP-010/.test(f.ruleId)) });
    const outcome = workloadsRestricted.evaluate(context(estate({ run: evidence })));
    expect(outcome.status).toBe('partial');
    const edits = patches(outcome.changes);
    expect(edits.map((c) => c.rules)).toEqual([['SS-CMP-009'], ['SS-CMP-009']]);
    const after = applyEdits(
      compose,
      'compose.yaml',
      edits.flatMap((c) => c.edits),
    );
    expect(after).toBe(
      'services:\n  app:\n    image: alpine:3.20\n    cap_add: [SYS_ADMIN]\n    user: "10001"\n    security_opt: ["no-new-privileges:true"]\n  web:\n    image: nginx:1.27\n    user: root\n    security_opt: ["no-new-privileges:true"]\n',
    );
    const left = checkCompose('compose.yaml', after).findings.filter((f) => /SS-CMP-00[29]|SS-CMP-010/.test(f.ruleId));
    expect(left.map((f) => f.ruleId).sort()).toEqual(['SS-CMP-002', 'SS-CMP-010']);
    expect(outcome.changes.filter((c) => c.edits.length === 0).map((c) => c.summary)).toEqual([
      expect.stringContaining('adds capability SYS_ADMIN (compose.yaml:4): remove the capability'),
      expect.stringContaining('runs as root (`user: root`) (compose.yaml:8): set user to a non-root uid'),
    ]);
  });
});
