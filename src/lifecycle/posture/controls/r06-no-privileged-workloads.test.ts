import { dedent } from '../../../test-support/text.js';
import { describe, expect, it } from 'vitest';
import { context, estate, finding, run } from '../test-evidence.js';
import { noPrivilegedWorkloads } from './r06-no-privileged-workloads.js';

const bad = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: monitoring
spec:
  template:
    spec:
      hostPID: true
      containers:
        - name: agent
          image: r.example/agent:1
          securityContext:
            privileged: true
      volumes:
        - name: sock
          hostPath:
            path: /var/run/docker.sock
`;

describe('SS-CTL-R06 no privileged workloads', () => {
  it('is met for plain workloads and ignores kube-system', () => {
    const good = dedent`
      apiVersion: v1
      kind: Pod
      metadata:
        name: p
        namespace: shop
      spec:
        containers:
          - name: c
            image: nginx:1.27
    `;
    const system = bad.replace('namespace: monitoring', 'namespace: kube-system');
    expect(noPrivilegedWorkloads.evaluate(context(estate({ run: run(`${good}---\n${system}`) }))).status).toBe('met');
  });

  it('is a gap pointing at each field', () => {
    const outcome = noPrivilegedWorkloads.evaluate(context(estate({ run: run(bad) })));
    expect(outcome.status).toBe('gap');
    expect(outcome.evidence[0]?.where).toBe('deploy.yaml:9');
    expect(outcome.evidence[0]?.text).toContain('shares the host PID namespace');
    expect(outcome.changes.map((c) => c.line)).toEqual([9, 14, 18]);
  });

  it('counts the compose findings for the same escapes', () => {
    const evidence = run(dedent`
      apiVersion: v1
      kind: Pod
      metadata:
        name: p
        namespace: shop
      spec:
        containers:
          - name: c
            image: nginx:1.27
    `);
    evidence.findings = [finding('SS-CMP-001', 7, 'HIGH', 'service app is privileged', 'compose.yaml')];
    const outcome = noPrivilegedWorkloads.evaluate(context(estate({ run: evidence })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]?.where).toBe('compose.yaml:7');
  });
});
