import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHostConfig } from './check.js';
import { daemonJson, dockerUnit, exampleFile } from './examples.js';
import { hostRules } from './registry.js';
import type { HostConfigFile } from './rule.js';
import { hostConfigKinds } from './rule.js';

describe('checkHostConfig', () => {
  it('fingerprints a finding by rule, path and message, not by line', () => {
    const [before] = checkHostConfig([daemonJson({ ...hardened(), icc: true })]);
    const [after] = checkHostConfig([exampleFile('docker-daemon', '/etc/docker/daemon.json', `\n\n${JSON.stringify({ ...hardened(), icc: true })}`)]);
    expect(before?.location.startLine).not.toBe(after?.location.startLine);
    expect(before?.fingerprint).toBe(after?.fingerprint);
  });

  it('reports an unset option once, at daemon.json, however many Docker files there are', () => {
    const findings = checkHostConfig([
      daemonJson({ ...hardened(), icc: undefined }),
      dockerUnit('-H fd://'),
      exampleFile('docker-env', '/etc/default/docker', 'A=1\n'),
    ]);
    expect(findings.map((f) => [f.ruleId, f.location.file, f.message])).toEqual([
      ['SS-HOST-003', '/etc/docker/daemon.json', 'dockerd\'s "icc" is not set (default true): containers on the default bridge can reach each other'],
    ]);
  });

  it('does not call Docker clean when its unit says otherwise', () => {
    const findings = checkHostConfig([daemonJson(hardened()), dockerUnit('-H fd:// --userland-proxy --no-new-privileges=false')]);
    expect(findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.startLine}`)).toEqual([
      'SS-HOST-006 /lib/systemd/system/docker.service:6',
      'SS-HOST-007 /lib/systemd/system/docker.service:6',
    ]);
  });

  it('says nothing of unset options while a unit that sets them could not be read', () => {
    const unreadable = { ...dockerUnit('-H fd://'), text: undefined, parsed: undefined, unknown: 'not read (permission denied)' };
    expect(checkHostConfig([daemonJson({}), unreadable])).toEqual([]);
    expect(checkHostConfig([daemonJson({}), dockerUnit('-H fd://')]).length).toBeGreaterThan(0);
  });

  it('never throws, whatever shape the parsed content has', () => {
    const file = fc.record({
      kind: fc.constantFrom(...hostConfigKinds),
      path: fc.constantFrom('/etc/docker/daemon.json', '/etc/x.d/a.conf', '/etc/containerd/certs.d/h/hosts.toml', '/run/docker.sock'),
      type: fc.constantFrom('file', 'socket', 'dir', 'other'),
      mode: fc.integer({ min: 0, max: 0o7777 }),
      uid: fc.constantFrom(0, 1000),
      gid: fc.constantFrom(0, 999),
      text: fc.option(fc.string(), { nil: undefined }),
      parsed: fc.oneof(fc.jsonValue(), fc.constant([{ section: 'Service', key: 'ExecStart', value: 'dockerd -H', line: 1 }])),
    });
    fc.assert(
      fc.property(fc.array(file as fc.Arbitrary<HostConfigFile>, { maxLength: 6 }), (files) => {
        for (const finding of checkHostConfig(files)) expect(files.map((f) => f.path)).toContain(finding.location.file);
      }),
      { numRuns: 300 },
    );
  });

  it('runs only the rules asked for', () => {
    const files = [daemonJson({})];
    expect(new Set(checkHostConfig(files).map((f) => f.ruleId)).size).toBeGreaterThan(1);
    expect(checkHostConfig(files, { rules: [hostRules[2]!] }).map((f) => f.ruleId)).toEqual(['SS-HOST-003']);
  });
});

function hardened(): Record<string, unknown> {
  return { icc: false, 'live-restore': true, 'no-new-privileges': true, 'userland-proxy': false, 'userns-remap': 'default' };
}
