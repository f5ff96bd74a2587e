import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bashParses, shellWords } from '../support/test-shell.js';
import { context, estate, mapOf, run } from '../test-evidence.js';
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

  it('leaves the system namespaces out', () => {
    expect(namespacesEnforcePss.evaluate(context(estate({ run: run(deployment('kube-system')) }))).status).toBe('unknown');
  });
});
