import { dedent } from '../../../test-support/text.js';
import { describe, expect, it } from 'vitest';
import { checkCompose } from '../../../runtime/compose/check.js';
import { loadManifests } from '../../../runtime/manifests/load.js';
import { checkWorkloads } from '../../../runtime/rules/check.js';
import { applyEdits } from '../apply.js';
import { context, estate, finding, run } from '../test-evidence.js';
import { noPrivilegedWorkloads } from './r06-no-privileged-workloads.js';
import { workloadsRestricted } from './r02-workloads-restricted.js';

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

  it('sets privileged: false and hostPID: false in the manifest, and leaves the Docker socket to an application change', () => {
    const outcome = noPrivilegedWorkloads.evaluate(context(estate({ run: run(bad) })));
    expect(outcome.changes.map((c) => c.edits.length)).toEqual([1, 1, 0]);
    expect(outcome.changes[2]?.summary).toBe(
      'monitoring/DaemonSet/agent: stop mounting the Docker socket (/var/run/docker.sock): it gives control of the node; an application change',
    );
    const after = applyEdits(
      bad,
      'deploy.yaml',
      outcome.changes.flatMap((c) => c.edits),
    );
    expect(after).toBe(bad.replace('hostPID: true', 'hostPID: false').replace('privileged: true', 'privileged: false'));
    const again = noPrivilegedWorkloads.evaluate(context(estate({ run: run(after) })));
    expect(again.evidence[0]?.text).toBe("monitoring/DaemonSet/agent: mounts the host's /var/run/docker.sock");
    expect(again.changes.filter((c) => c.edits.length > 0)).toEqual([]);
    const fingerprints = (text: string): string[] => checkWorkloads(loadManifests([{ name: 'deploy.yaml', text }]).objects).map((f) => f.fingerprint);
    expect(fingerprints(after).filter((f) => !fingerprints(bad).includes(f))).toEqual([]);
  });

  it('leaves privileged to an application change for a container that uses host devices', () => {
    const usb = bad
      .replace('path: /var/run/docker.sock', 'path: /dev/bus/usb')
      .replace(
        '            privileged: true\n',
        '            privileged: true\n          volumeMounts:\n            - { name: sock, mountPath: /dev/bus/usb }\n',
      );
    const outcome = noPrivilegedWorkloads.evaluate(context(estate({ run: run(usb) })));
    expect(outcome.changes.map((c) => [c.edits.length, c.summary])).toEqual([
      [1, expect.stringContaining('set `hostPID: false`')],
      [0, expect.stringContaining("container agent uses the host's /dev/bus/usb, which it needs privileged for")],
    ]);
    const restricted = workloadsRestricted.evaluate(context(estate({ run: run(usb) }))).changes;
    expect(restricted.flatMap((c) => c.edits).some((e) => e.kind === 'yaml-merge' && e.text.includes('privileged'))).toBe(false);
    expect(restricted.find((c) => c.edits.length === 0)?.summary).toContain('a device plugin');
  });

  it("makes the same edit as R02's once when both are applied", () => {
    const both = [noPrivilegedWorkloads, workloadsRestricted].flatMap((control) => control.evaluate(context(estate({ run: run(bad) }))).changes);
    const after = applyEdits(
      bad,
      'deploy.yaml',
      both.flatMap((c) => c.edits),
    );
    expect(after.match(/privileged: false/g)).toHaveLength(1);
    expect(after.match(/hostPID: false/g)).toHaveLength(1);
    expect(noPrivilegedWorkloads.evaluate(context(estate({ run: run(after) }))).changes.filter((c) => c.edits.length > 0)).toEqual([]);
  });

  it('sets privileged: false on a compose service, and leaves host namespaces and the socket by hand', () => {
    const compose = dedent`
      services:
        agent:
          image: r.example/agent:1
          privileged: "true"
          pid: host
          volumes:
            - /var/run/docker.sock:/var/run/docker.sock
    `;
    const findings = checkCompose('compose.yaml', compose).findings;
    const outcome = noPrivilegedWorkloads.evaluate(context(estate({ run: run('', { findings }) })));
    expect(outcome.status).toBe('gap');
    const [patch, ...manual] = outcome.changes;
    expect(patch).toMatchObject({
      rules: ['SS-CMP-001'],
      edits: [{ kind: 'yaml-merge', file: 'compose.yaml', line: 4, within: 'services', text: 'privileged: false' }],
    });
    expect(manual.map((c) => c.edits.length)).toEqual([0, 0]);
    expect(manual[1]?.summary).toContain('stop mounting the Docker socket');
    const after = applyEdits(compose, 'compose.yaml', patch?.edits ?? []);
    expect(after).toBe(compose.replace('privileged: "true"', 'privileged: false'));
    expect(checkCompose('compose.yaml', after).findings.map((f) => f.ruleId)).not.toContain('SS-CMP-001');
  });

  it('leaves privileged by hand on a compose service given host devices: dropping it would cut the service off them', () => {
    const compose = dedent`
      services:
        scanner:
          image: r.example/scanner:1
          privileged: true
          volumes:
            - /dev/bus/usb:/dev/bus/usb
        other:
          image: r.example/other:1
          privileged: true
    `;
    const findings = checkCompose('compose.yaml', compose).findings;
    expect(findings.map((f) => f.ruleId)).toContain('SS-CMP-015');
    const outcome = noPrivilegedWorkloads.evaluate(context(estate({ run: run('', { findings }) })));
    const privileged = outcome.changes.filter((c) => /privileged/i.test(c.summary));
    expect(privileged.map((c) => [c.edits.length, /host devices/.test(c.summary)])).toEqual([
      [0, true],
      [1, false],
    ]);
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
