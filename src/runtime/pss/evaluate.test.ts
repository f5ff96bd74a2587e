import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sharedAbsent, sharedPath } from '../../test-support/shared.js';
import { fileMissing, skipWhen } from '../../test-support/skip.js';
import { evaluatePod } from './evaluate.js';
import { parseVersion, type PssLevel } from './types.js';

const root = sharedPath('pss', 'testdata');
const fixturesMissing = sharedAbsent ?? fileMissing(root, 'the PSA conformance fixtures');

/** `v1.N` folders of a level, in numeric order. */
function versions(level: string): string[] {
  if (fixturesMissing !== undefined) return [];
  return readdirSync(path.join(root, level))
    .filter((d) => /^v1\.\d+$/.test(d))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
}

/** The restricted check that replaces a baseline check (so a fail fixture of the baseline check fails on it). */
const REPLACED_BY: Record<string, string> = {
  hostpathvolumes: 'restrictedvolumes',
  seccompprofile_baseline: 'seccompprofile_restricted',
  capabilities_baseline: 'capabilities_restricted',
  procmount: 'procmount_restricted',
};

/** Counts asserted files across all folders, checked in the last test. */
let asserted = 0;

describe('PSA conformance fixtures (shared/pss/testdata)', skipWhen(fixturesMissing), () => {
  for (const level of ['baseline', 'restricted'] as const satisfies readonly PssLevel[]) {
    for (const version of versions(level)) {
      it(`${level} ${version}`, () => {
        const mismatches: string[] = [];
        let files = 0;
        for (const expectation of ['pass', 'fail'] as const) {
          const dir = path.join(root, level, version, expectation);
          for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
            const pod: unknown = parse(readFileSync(path.join(dir, name), 'utf8'));
            const result = evaluatePod(pod, level, parseVersion(version));
            files++;
            if (result.allowed !== (expectation === 'pass')) {
              const why = result.violations.map((v) => `${v.check}: ${v.detail ?? v.reason}`).join(' | ');
              mismatches.push(`${expectation}/${name} → ${result.allowed ? 'allowed' : `denied (${why})`}`);
            } else if (expectation === 'fail') {
              // Stricter: denied by the check the fixture is about (or the restricted check replacing it).
              const about = name.replace(/\d+\.yaml$/, '');
              const ids = result.violations.map((v) => v.check.toLowerCase());
              if (!ids.includes(about) && !ids.includes(REPLACED_BY[about] ?? about)) {
                mismatches.push(`fail/${name} → denied by ${ids.join(', ')}, not ${about}`);
              }
            }
          }
        }
        expect(files).toBeGreaterThan(0);
        expect(mismatches, mismatches.join('\n')).toEqual([]);
        asserted += files;
      });
    }
  }

  it('asserted every fixture (3565 files)', () => {
    expect(asserted).toBe(3565);
  });
});

/** A minimal restricted pod at the newest version. */
function restrictedPod(): Record<string, unknown> {
  const container = {
    name: 'c',
    image: 'pause',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };
  return {
    kind: 'Pod',
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [{ ...container, name: 'i' }],
      containers: [container],
    },
  };
}

describe('evaluatePod', () => {
  it('allows a minimal restricted pod at every level and latest', () => {
    for (const level of ['privileged', 'baseline', 'restricted'] as const) {
      expect(evaluatePod(restrictedPod(), level, 'latest')).toEqual({ allowed: true, violations: [] });
    }
  });

  it('privileged allows everything, even malformed input', () => {
    expect(evaluatePod('not a pod', 'privileged', 'v1.0').allowed).toBe(true);
  });

  it('rejects an invalid version string', () => {
    expect(() => evaluatePod(restrictedPod(), 'baseline', 'v1.02')).toThrow(RangeError);
    expect(() => parseVersion('1.20')).toThrow(RangeError);
    expect(parseVersion('v1.30')).toEqual({ major: 1, minor: 30 });
  });

  it('reports the failing check ids', () => {
    const pod = restrictedPod();
    const spec = pod.spec as Record<string, unknown>;
    spec.hostNetwork = true;
    const result = evaluatePod(pod, 'restricted', 'v1.30');
    expect(result.allowed).toBe(false);
    expect(result.violations.map((v) => v.check)).toEqual(['hostNamespaces']);
  });
});

describe('evaluatePod on malformed input (never throws, fails closed)', () => {
  const cases: [string, unknown][] = [
    ['a non-object pod', 42],
    ['a null pod', null],
    ['a non-object spec', { spec: 'oops' }],
    ['a list spec', { spec: [] }],
    ['non-object metadata', { metadata: 'x', spec: {} }],
    ['containers not a list', { spec: { containers: { name: 'c' } } }],
    ['a container that is a string', { spec: { containers: ['c'] } }],
    ['capabilities.add not a list', { spec: { containers: [{ name: 'c', securityContext: { capabilities: { add: 'SYS_ADMIN' } } }] } }],
    ['securityContext not an object', { spec: { containers: [{ name: 'c', securityContext: 'privileged' }] } }],
    ['volumes not a list', { spec: { containers: [], volumes: 'hostPath' } }],
    ['a volume that is a number', { spec: { containers: [], volumes: [1] } }],
    ['annotations not a map', { metadata: { annotations: ['a'] }, spec: { containers: [] } }],
    ['sysctls not a list', { spec: { securityContext: { sysctls: 'kernel.x' }, containers: [] } }],
    ['ports not a list', { spec: { containers: [{ name: 'c', ports: 8080 }] } }],
    ['hostNetwork as a string', { spec: { hostNetwork: 'false', containers: [] } }],
    ['privileged as a string', { spec: { containers: [{ name: 'c', securityContext: { privileged: 'true' } }] } }],
  ];
  for (const [name, pod] of cases) {
    it(`denies ${name} at baseline and restricted`, () => {
      for (const level of ['baseline', 'restricted'] as const) {
        for (const version of ['v1.0', 'v1.19', 'v1.25', 'latest']) {
          expect(() => evaluatePod(pod, level, version)).not.toThrow();
          expect(evaluatePod(pod, level, version).allowed, `${level} ${version}`).toBe(false);
        }
      }
    });
  }

  it('allows a spec-less pod at baseline (PSA evaluates an empty spec)', () => {
    expect(evaluatePod({ kind: 'Pod' }, 'baseline', 'latest').allowed).toBe(true);
  });
});
