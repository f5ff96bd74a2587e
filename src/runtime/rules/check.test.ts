import { describe, expect, it } from 'vitest';
import { loadManifests } from '../manifests/load.js';
import { checkWorkloads } from './check.js';
import { sensitiveHostPath } from './checks/sensitive-host-path.js';

function check(text: string, allowedRegistries?: string[]) {
  const { objects } = loadManifests([{ name: 'app.yaml', text }]);
  return checkWorkloads(objects, { allowedRegistries });
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: busybox
      containers:
        - name: app
          image: ghcr.io/acme/web:1.0
          env:
            - name: LOG_LEVEL
              value: info
            - name: DB_PASSWORD
              value: correct-horse-battery-staple
          securityContext:
            capabilities:
              drop: [ALL]
`;

describe('checkWorkloads', () => {
  it('points image findings at the image field of the right container', () => {
    const findings = check(deployment);
    const latest = findings.filter((f) => f.ruleId === 'SS-K8S-002');
    expect(latest).toHaveLength(1);
    expect(latest[0]?.location).toEqual({ file: 'app.yaml', startLine: 11 });
    expect(latest[0]?.message).toBe('Deployment shop/web container "init" image "busybox" has no tag, so it means `latest`');
    expect(findings.filter((f) => f.ruleId === 'SS-K8S-001').map((f) => f.location.startLine)).toEqual([11, 14]);
  });

  it('masks literal secrets in env values and points at the value line', () => {
    const findings = check(deployment).filter((f) => f.ruleId === 'SS-K8S-007');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.location.startLine).toBe(19);
    expect(findings[0]?.message).toBe('Deployment shop/web container "app" sets DB_PASSWORD to a literal value (corr****)');
    expect(JSON.stringify(findings)).not.toContain('horse');
  });

  it('shows less of short secrets', () => {
    const text = deployment.replace('correct-horse-battery-staple', 'hunter22');
    const [finding] = check(text).filter((f) => f.ruleId === 'SS-K8S-007');
    expect(finding?.message).toContain('(hu****)');
    expect(finding?.message).not.toContain('hunter22');
  });

  it('points NET_RAW and limits findings at the container fields', () => {
    const findings = check(deployment);
    const netRaw = findings.filter((f) => f.ruleId === 'SS-K8S-006');
    // the init container has no securityContext: its own line; the app container drops ALL.
    expect(netRaw.map((f) => f.location.startLine)).toEqual([10]);
    expect(findings.filter((f) => f.ruleId === 'SS-K8S-004').map((f) => f.message)).toEqual([
      'Deployment shop/web container "init" has no cpu or memory limit',
      'Deployment shop/web container "app" has no cpu or memory limit',
    ]);
  });

  it('checks registries only when an allow-list is given', () => {
    expect(check(deployment).filter((f) => f.ruleId === 'SS-K8S-003')).toEqual([]);
    const findings = check(deployment, ['ghcr.io/acme']).filter((f) => f.ruleId === 'SS-K8S-003');
    expect(findings.map((f) => [f.location.startLine, f.message])).toEqual([
      [11, 'Deployment shop/web container "init" image "busybox" comes from docker.io, which is not in the allowed registries (ghcr.io/acme)'],
    ]);
  });

  it('sorts by file and line and gives stable fingerprints independent of line shifts', () => {
    const findings = check(deployment);
    const lines = findings.map((f) => f.location.startLine ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    const shifted = check(`# a comment\n${deployment}`);
    expect(shifted.map((f) => f.fingerprint)).toEqual(findings.map((f) => f.fingerprint));
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
  });

  it('ignores malformed shapes without throwing', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: odd\nspec:\n  containers: [42, null, {name: x, image: "UPPER:bad", env: "nope", securityContext: []}]\n  volumes: {a: 1}\n';
    expect(() => check(text)).not.toThrow();
  });
});

describe('sensitiveHostPath', () => {
  it('normalises paths and knows sockets, / and system trees', () => {
    expect(sensitiveHostPath('/run/containerd/containerd.sock')).toBe('a container runtime socket');
    expect(sensitiveHostPath('/custom/docker.sock')).toBe('a container runtime socket');
    expect(sensitiveHostPath('/')).toBe('the host root filesystem');
    expect(sensitiveHostPath('//')).toBe('the host root filesystem');
    expect(sensitiveHostPath('/var/log/../run/')).toBe('under /var/run');
    expect(sensitiveHostPath('/etc/ssl/certs')).toBe('under /etc');
    expect(sensitiveHostPath('/etcetera')).toBeUndefined();
    expect(sensitiveHostPath('/var/log/app')).toBeUndefined();
    expect(sensitiveHostPath('/data')).toBeUndefined();
  });
});
