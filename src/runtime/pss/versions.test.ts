import { describe, expect, it } from 'vitest';
import { checksFor, evaluatePod } from './evaluate.js';
import { NEWEST_IMPLEMENTED_MINOR } from './checks/index.js';

type Json = Record<string, unknown>;

/** A restricted-clean pod; `pod`/`container` are merged into spec / the one container. */
function pod(spec: Json = {}, container: Json = {}, securityContext: Json = {}): Json {
  return {
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'c',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...securityContext },
          ...container,
        },
      ],
      ...spec,
    },
  };
}

const checks = (p: Json, level: 'baseline' | 'restricted', version: string): string[] => evaluatePod(p, level, version).violations.map((v) => v.check);

describe('version-dependent behaviour beyond the v1.30 fixtures', () => {
  it('latest behaves as the newest implemented version', () => {
    expect(checksFor('restricted', 'latest')).toEqual(checksFor('restricted', { major: 1, minor: NEWEST_IMPLEMENTED_MINOR }));
  });

  it('seLinuxOptions allows container_engine_t from v1.31', () => {
    const p = pod({}, {}, { seLinuxOptions: { type: 'container_engine_t' } });
    expect(checks(p, 'baseline', 'v1.30')).toEqual(['seLinuxOptions']);
    expect(checks(p, 'baseline', 'v1.31')).toEqual([]);
  });

  it('sysctls allow-list grows at v1.27, v1.29, v1.32 and v1.37', () => {
    const withSysctl = (name: string): Json =>
      pod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name, value: '1' }] } });
    const cases: [string, string, string][] = [
      ['net.ipv4.ip_local_reserved_ports', 'v1.26', 'v1.27'],
      ['net.ipv4.tcp_keepalive_probes', 'v1.28', 'v1.29'],
      ['net.ipv4.tcp_rmem', 'v1.31', 'v1.32'],
      ['net.ipv4.tcp_notsent_lowat', 'v1.36', 'v1.37'],
    ];
    for (const [name, before, from] of cases) {
      expect(checks(withSysctl(name), 'baseline', before), `${name} ${before}`).toEqual(['sysctls']);
      expect(checks(withSysctl(name), 'baseline', from), `${name} ${from}`).toEqual([]);
    }
    expect(checks(withSysctl('kernel.msgmax'), 'baseline', 'latest')).toEqual(['sysctls']);
  });

  it('hostProbesAndHostLifecycle applies from v1.34', () => {
    const probe = pod({}, { livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } } });
    const hook = pod({}, { lifecycle: { preStop: { tcpSocket: { host: 'evil', port: 1 } } } });
    const empty = pod({}, { readinessProbe: { httpGet: { host: '', port: 80 } } });
    expect(checks(probe, 'baseline', 'v1.33')).toEqual([]);
    expect(checks(probe, 'baseline', 'v1.34')).toEqual(['hostProbesAndHostLifecycle']);
    expect(checks(hook, 'restricted', 'latest')).toEqual(['hostProbesAndHostLifecycle']);
    expect(checks(empty, 'baseline', 'latest')).toEqual([]);
  });

  it('hostUsers: false relaxes procMount, runAsNonRoot and runAsUser from v1.35 (procMount stays restricted)', () => {
    const root = { runAsNonRoot: false, runAsUser: 0 };
    const p = (hostUsers: boolean, procMount = 'Default'): Json =>
      pod({ hostUsers, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }, {}, { ...root, procMount });
    expect(checks(p(false), 'restricted', 'v1.34')).toEqual(['runAsNonRoot', 'runAsUser']);
    expect(checks(p(false), 'restricted', 'v1.35')).toEqual([]);
    expect(checks(p(true), 'restricted', 'v1.35')).toEqual(['runAsNonRoot', 'runAsUser']);
    expect(checks(p(false, 'Unmasked'), 'baseline', 'v1.34')).toEqual(['procMount']);
    expect(checks(p(false, 'Unmasked'), 'baseline', 'v1.35')).toEqual([]);
    expect(checks(p(true, 'Unmasked'), 'baseline', 'v1.35')).toEqual(['procMount']);
    expect(checks(p(false, 'Unmasked'), 'restricted', 'v1.35')).toEqual(['procMount_restricted']);
  });

  it('Windows pods skip allowPrivilegeEscalation, seccompProfile_restricted and capabilities_restricted from v1.25', () => {
    const windows: Json = { spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'c' }] } };
    expect(checks(windows, 'restricted', 'v1.24')).toEqual(['allowPrivilegeEscalation', 'seccompProfile_restricted', 'capabilities_restricted']);
    expect(checks(windows, 'restricted', 'v1.25')).toEqual([]);
  });

  it('restricted checks start at their first version', () => {
    const bare: Json = { spec: { securityContext: { runAsNonRoot: true, runAsUser: 0 }, containers: [{ name: 'c' }] } };
    expect(checks(bare, 'restricted', 'v1.7')).toEqual([]);
    expect(checks(bare, 'restricted', 'v1.8')).toEqual(['allowPrivilegeEscalation']);
    expect(checks(bare, 'restricted', 'v1.19')).toEqual(['allowPrivilegeEscalation', 'seccompProfile_restricted']);
    expect(checks(bare, 'restricted', 'v1.22')).toEqual(['allowPrivilegeEscalation', 'seccompProfile_restricted', 'capabilities_restricted']);
    expect(checks(bare, 'restricted', 'v1.23')).toEqual(['allowPrivilegeEscalation', 'runAsUser', 'seccompProfile_restricted', 'capabilities_restricted']);
  });

  it('seccomp annotations are read before v1.19 only, at baseline', () => {
    const annotated: Json = {
      metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } },
      spec: { containers: [{ name: 'c' }] },
    };
    expect(checks(annotated, 'baseline', 'v1.18')).toEqual(['seccompProfile_baseline']);
    expect(checks(annotated, 'baseline', 'v1.19')).toEqual([]);
  });

  it('visits ephemeral containers too', () => {
    const p: Json = { spec: { containers: [], ephemeralContainers: [{ name: 'debug', securityContext: { privileged: true } }] } };
    expect(evaluatePod(p, 'baseline', 'latest').violations).toEqual([
      { check: 'privileged', reason: 'privileged', detail: 'container "debug" must not set securityContext.privileged=true' },
    ]);
  });
});
