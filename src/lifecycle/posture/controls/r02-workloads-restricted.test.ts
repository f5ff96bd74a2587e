import { dedent } from '../../../test-support/text.js';
import { describe, expect, it } from 'vitest';
import { checkPodSecurity } from '../../../runtime/pod-security.js';
import { context, estate, run } from '../test-evidence.js';
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

describe('SS-CTL-R02 workloads meet restricted', () => {
  it('is met for a hardened pod', () => {
    expect(workloadsRestricted.evaluate(context(estate({ run: run(hardened) }))).status).toBe('met');
  });

  it('is partial with the violations and the securityContext to set', () => {
    const evidence = run(`${hardened}---\n${plain}`);
    const outcome = workloadsRestricted.evaluate(context(estate({ run: evidence })));
    expect(outcome.status).toBe('partial');
    const gap = outcome.evidence.find((e) => !e.ok);
    expect(gap?.where).toBe('deploy.yaml:19');
    expect(gap?.findings).toContain('runAsNonRoot');
    expect(outcome.changes[0]).toMatchObject({ file: 'deploy.yaml', line: 19 });
    expect(outcome.changes[0]?.snippet).toContain('drop: ["ALL"]');
  });

  it("reads the evidence's Pod Security results (checked at baseline: rejectedAtRestricted)", () => {
    const evidence = run(plain);
    evidence.podSecurity = checkPodSecurity(evidence.objects, { level: 'baseline', version: 'latest', explicit: true });
    expect(evidence.podSecurity[0]?.rejectedAtRestricted).toBe(true);
    expect(workloadsRestricted.evaluate(context(estate({ run: evidence }))).status).toBe('gap');
  });
});
