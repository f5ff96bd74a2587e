import { describe, expect, it } from 'vitest';
import { baseLayerCount } from '../../vuln/base-layers.js';
import { readOciArchive } from '../../test-support/images.js';
import { sharedAbsent, sharedPath } from '../../test-support/shared.js';
import { skipWhen } from '../../test-support/skip.js';
import { checkImage } from './check.js';
import { goodConfig, readSpec, twoLayers } from './test-rules.js';

describe('checkImage', () => {
  it('fingerprints findings and sorts them by severity, then rule', async () => {
    const model = await readSpec({
      layers: twoLayers([
        { name: 'usr/local/bin/helper', content: 'h', mode: 0o4755 },
        { name: 'app', mode: 0o777 },
      ]),
      config: { config: { ...goodConfig, User: 'root', Healthcheck: undefined, ExposedPorts: { '22/tcp': {} } } },
    });
    const findings = checkImage(model, { baseLayers: 1 });
    expect(findings.map((f) => [f.severity, f.ruleId])).toEqual([
      ['HIGH', 'SS-IMG-001'],
      ['MEDIUM', 'SS-IMG-003'],
      ['MEDIUM', 'SS-IMG-004'],
      ['MEDIUM', 'SS-IMG-010'],
      ['LOW', 'SS-IMG-002'],
      ['LOW', 'SS-IMG-005'],
    ]);
    for (const finding of findings) expect(finding.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
    expect(checkImage(model, { baseLayers: 1 }).map((f) => f.fingerprint)).toEqual(findings.map((f) => f.fingerprint));
  });

  it('finds nothing in a clean image', async () => {
    const model = await readSpec({
      layers: twoLayers([{ name: 'app/run', content: 'x', mode: 0o755 }]),
      config: { config: { ...goodConfig, Labels: { 'org.opencontainers.image.base.name': 'docker.io/library/debian:12.5' } } },
    });
    expect(checkImage(model, { baseLayers: 1 })).toEqual([]);
  });
});

describe('checkImage on bullseye-app', skipWhen(sharedAbsent), () => {
  it("reports root, no HEALTHCHECK, the `latest` base, and only the base image's setuid files (LOW)", async () => {
    const model = await readOciArchive(sharedPath('images', 'bullseye-app.oci.tar'));
    const baseLayers = baseLayerCount(model);
    expect(baseLayers).toBe(1);
    const findings = checkImage(model, { baseLayers });
    expect(findings[0]).toMatchObject({ ruleId: 'SS-IMG-001', severity: 'HIGH', message: 'the image runs as User "root" (uid 0)', location: {} });
    expect(findings.filter((f) => f.ruleId === 'SS-IMG-002').map((f) => f.message)).toEqual(['the image defines no HEALTHCHECK']);
    // buildah records the base as a manifest annotation: localhost/bullseye:latest
    expect(findings.find((f) => f.ruleId === 'SS-IMG-005')).toMatchObject({
      severity: 'MEDIUM',
      message: expect.stringContaining('localhost/bullseye:latest is referenced by the tag `latest`'),
    });
    const setuid = findings.filter((f) => f.ruleId === 'SS-IMG-003');
    expect(setuid.map((f) => f.location.path)).toEqual(
      ['chage', 'chfn', 'chsh', 'expiry', 'gpasswd', 'mount', 'newgrp', 'passwd', 'su', 'umount'].map((n) => `/usr/bin/${n}`).concat('/usr/sbin/unix_chkpwd'),
    );
    expect(new Set(setuid.map((f) => `${f.severity} ${f.location.layer?.index}`))).toEqual(new Set(['LOW 0']));
    // the apt caches were cleaned in the installing RUN, the ADD is of a local file, the deleted secret is small
    expect(new Set(findings.map((f) => f.ruleId))).toEqual(new Set(['SS-IMG-001', 'SS-IMG-002', 'SS-IMG-003', 'SS-IMG-005']));
  }, 60_000);
});
