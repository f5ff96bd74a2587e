import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifests } from '../../../runtime/manifests/load.js';
import { namespaceInfo } from '../../../runtime/manifests/kinds.js';
import { applyChange } from '../apply.js';
import type { ProposedChange } from '../model.js';
import { bashParses, shellWords } from '../support/test-shell.js';
import { context, estate, mapOf, node, run } from '../test-evidence.js';
import { namespacesEnforcePss } from './r01-namespaces-enforce-pss.js';

/** Created only if a proposed command ran what a name holds. */
const canaryDir = mkdtempSync(path.join(tmpdir(), 'shipshape-canary-'));
const canary = path.join(canaryDir, 'pwned');
afterAll(() => rmSync(canaryDir, { recursive: true, force: true }));

const deployment = (namespace: string, extra = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27${extra}
`;

describe('SS-CTL-R01 namespaces enforce a PSS level', () => {
  it('is unknown without run evidence', () => {
    expect(namespacesEnforcePss.evaluate(context(estate())).summary).toBe('no workloads were read (no manifests, no cluster)');
  });

  it('is met when the namespace enforces baseline or stricter', () => {
    const yaml = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n---\n${deployment('shop')}`;
    const outcome = namespacesEnforcePss.evaluate(context(estate({ run: run(yaml) }), { map: mapOf(['workload:shop/Deployment/web']) }));
    expect(outcome.status).toBe('met');
    expect(outcome.evidence[0]).toMatchObject({ where: 'deploy.yaml:1', nodes: ['workload:shop/Deployment/web'] });
  });

  it('is a gap for a namespace without a label, with the kubectl command and the manifest line', () => {
    const yaml = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n${deployment('shop')}`;
    const outcome = namespacesEnforcePss.evaluate(context(estate({ run: run(yaml) })));
    expect(outcome.status).toBe('gap');
    expect(outcome.changes[0]?.snippet).toBe('kubectl label namespace shop pod-security.kubernetes.io/enforce=baseline');
    expect(outcome.changes[1]).toMatchObject({
      file: 'deploy.yaml',
      line: 4,
      snippet: 'metadata:\n  labels:\n    pod-security.kubernetes.io/enforce: baseline',
      edits: [{ kind: 'yaml-merge', file: 'deploy.yaml', line: 4, within: '(root)', text: 'labels:\n  pod-security.kubernetes.io/enforce: baseline' }],
    });
  });

  it('treats a workload namespace with no Namespace object as a gap and names workloads the level would reject', () => {
    const privileged = deployment('ops').replace(
      '          image: nginx:1.27',
      '          image: nginx:1.27\n          securityContext:\n            privileged: true',
    );
    const outcome = namespacesEnforcePss.evaluate(context(estate({ run: run(privileged) })));
    expect(outcome.status).toBe('gap');
    expect(outcome.evidence[0]?.text).toContain('no Namespace object read labels it');
    expect(outcome.changes[0]?.summary).toContain('First fix Deployment/web');
  });

  it('is partial for warn-only or a lower enforce level, and requires the policy level', () => {
    const yaml = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n---\n${deployment('shop')}`;
    const outcome = namespacesEnforcePss.evaluate(context(estate({ run: run(yaml) }), { policy: { requiredPssLevel: 'restricted' } }));
    expect(outcome.status).toBe('partial');
    expect(outcome.changes[0]?.snippet).toBe('kubectl label --overwrite namespace shop pod-security.kubernetes.io/enforce=restricted');
    expect(outcome.changes[1]).toMatchObject({
      line: 6,
      snippet: 'metadata:\n  labels:\n    pod-security.kubernetes.io/enforce: restricted',
      edits: [{ kind: 'yaml-merge', file: 'deploy.yaml', line: 4, within: '(root)', text: 'labels:\n  pod-security.kubernetes.io/enforce: restricted' }],
    });
  });

  it('quotes a hostile namespace name: the pasted command labels exactly that namespace and runs nothing else', () => {
    const namespace = `prod$(touch ${canary})`;
    const outcome = namespacesEnforcePss.evaluate(context(estate({ run: run(deployment(`'${namespace}'`)) })));
    const command = outcome.changes[0]?.snippet ?? '';
    expect(command).toBe(`kubectl label namespace 'prod$(touch ${canary})' pod-security.kubernetes.io/enforce=baseline`);
    expect(bashParses(command)).toBe(true);
    expect(shellWords(command)).toEqual(['kubectl', 'label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=baseline']);
    expect(existsSync(canary)).toBe(false);
  });

  it("declares a namespace no manifest declares in a new file next to its workloads, with the level and the nodes' policy version", () => {
    const evidence = run(
      deployment('shop'),
      { nodes: [node('a', { kubeletVersion: 'v1.30.2' }), node('b', { kubeletVersion: 'v1.29.0-eks-5e0fdde' })] },
      'k8s/apps/web.yaml',
    );
    evidence.sources = ['k8s'];
    const outcome = namespacesEnforcePss.evaluate(context(estate({ run: evidence })));
    expect(outcome.changes[0]?.snippet).toBe(
      'kubectl label namespace shop pod-security.kubernetes.io/enforce=baseline pod-security.kubernetes.io/enforce-version=v1.29',
    );
    const change = outcome.changes[1] as ProposedChange;
    expect(change.edits).toEqual([
      {
        kind: 'create',
        file: 'k8s/apps/shop-namespace.yaml',
        text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.29\n',
      },
    ]);
    // created and read with the workloads, the namespace enforces the level: nothing more to do
    const created = applyChange(change, () => '');
    const objects = [...evidence.objects, ...loadManifests([...created].map(([name, text]) => ({ name, text }))).objects];
    const again = namespacesEnforcePss.evaluate(context(estate({ run: { ...evidence, objects } })));
    expect(again).toMatchObject({ status: 'met', changes: [] });
    expect(namespaceInfo(objects[1] as (typeof objects)[number])?.podSecurity.enforce).toEqual({ level: 'baseline', version: 'v1.29' });
  });

  it('appends the Namespace to a manifest file named as a source itself (a new file beside it would not be read)', () => {
    const evidence = run(deployment('shop'), {}, 'deploy.yaml');
    const change = namespacesEnforcePss.evaluate(context(estate({ run: evidence }))).changes[1] as ProposedChange;
    expect(change.edits[0]).toMatchObject({ kind: 'append', file: 'deploy.yaml' });
    const after = applyChange(change, () => deployment('shop')).get('deploy.yaml') ?? '';
    const reread = run(after);
    expect(reread.objects.map((o) => o.kind)).toEqual(['Deployment', 'Namespace']);
    expect(namespacesEnforcePss.evaluate(context(estate({ run: reread }))).status).toBe('met');
  });

  it('keeps the version a Namespace already pins, and writes no file for a name that is not a DNS label', () => {
    const pinned = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce-version: v1.25\n---\n${deployment('shop')}`;
    const withNodes = { nodes: [node('a', { kubeletVersion: 'v1.29.0' })] };
    expect(namespacesEnforcePss.evaluate(context(estate({ run: run(pinned, withNodes) }))).changes[1]?.edits).toEqual([
      { kind: 'yaml-merge', file: 'deploy.yaml', line: 4, within: '(root)', text: 'labels:\n  pod-security.kubernetes.io/enforce: baseline' },
    ]);
    const hostile = namespacesEnforcePss.evaluate(context(estate({ run: run(deployment("'../../etc/x'"), withNodes, 'k8s/web.yaml') })));
    expect(hostile.changes.flatMap((c) => c.edits)).toEqual([]);
  });

  it('labels the manifest only when the workload changes let every workload pass the level: a hostPath left by hand holds it back', () => {
    const withHostPath = deployment('ops').replace(
      '          image: nginx:1.27',
      '          image: nginx:1.27\n          volumeMounts: [{ name: logs, mountPath: /logs }]\n      volumes:\n        - name: logs\n          hostPath: { path: /var/log }',
    );
    const yaml = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ops\n---\n${withHostPath}`;
    const outcome = namespacesEnforcePss.evaluate(context(estate({ run: run(yaml) })));
    expect(outcome.changes.flatMap((c) => c.edits)).toEqual([]);
    expect(outcome.changes[1]?.summary).toMatch(
      /^and in the manifests, once Deployment\/web \(hostPathVolumes .*an application change.*\) is fixed by hand: set the label in the metadata of the Namespace at deploy\.yaml:1.*\(set now, the API server would reject it\)$/,
    );
    // a workload the changes of R02 / R06 fix does not hold it back: they go together
    const fixable = namespacesEnforcePss.evaluate(
      context(estate({ run: run(yaml.replace(/\n +volumeMounts[^]*$/, '\n          securityContext: { privileged: true }\n')) })),
    );
    expect(fixable.changes[1]?.edits).toHaveLength(1);
    expect(fixable.changes[1]?.summary).toContain('Apply it with the changes SS-CTL-R02 and SS-CTL-R06 propose for Deployment/web');
  });

  it('leaves the system namespaces out', () => {
    expect(namespacesEnforcePss.evaluate(context(estate({ run: run(deployment('kube-system')) }))).status).toBe('unknown');
  });
});
