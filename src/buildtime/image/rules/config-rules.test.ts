import { describe, expect, it } from 'vitest';
import { goodConfig, readSpec, run, twoLayers } from '../test-rules.js';
import { exposedSshPort } from './exposed-ssh-port.js';
import { healthcheckMissing } from './healthcheck-missing.js';
import { isRootUser, runsAsRoot } from './runs-as-root.js';

const layers = twoLayers([{ name: 'app/run', content: '#!/bin/sh\n', mode: 0o755 }]);

describe('SS-IMG-001 runs as root', () => {
  it('treats empty, root, 0, 0:0 and root:group as root, and other users as not', () => {
    for (const user of [undefined, null, '', ' ', 'root', '0', '0:0', '00', 'root:staff', '0:1000']) expect(isRootUser(user), String(user)).toBe(true);
    for (const user of ['app', '1000', '1000:0', 'nobody:root', 'rooty']) expect(isRootUser(user), user).toBe(false);
  });

  it('passes a non-root user and reports root and a missing User', async () => {
    expect(run(runsAsRoot, await readSpec({ layers, config: { config: goodConfig } }))).toEqual([]);
    const root = run(runsAsRoot, await readSpec({ layers, config: { config: { ...goodConfig, User: '0:0' } } }));
    expect(root).toEqual([expect.objectContaining({ ruleId: 'SS-IMG-001', severity: 'HIGH', message: 'the image runs as User "0:0" (uid 0)', location: {} })]);
    const none = run(runsAsRoot, await readSpec({ layers, config: { config: { Cmd: ['/app/run'] } } }));
    expect(none.map((f) => f.message)).toEqual(['the image sets no User, so it runs as root']);
  });
});

describe('SS-IMG-002 HEALTHCHECK absent', () => {
  it('passes a health check and reports a missing or disabled one', async () => {
    expect(run(healthcheckMissing, await readSpec({ layers, config: { config: goodConfig } }))).toEqual([]);
    const missing = run(healthcheckMissing, await readSpec({ layers, config: { config: { ...goodConfig, Healthcheck: undefined } } }));
    expect(missing).toEqual([expect.objectContaining({ ruleId: 'SS-IMG-002', message: 'the image defines no HEALTHCHECK' })]);
    const disabled = run(healthcheckMissing, await readSpec({ layers, config: { config: { ...goodConfig, Healthcheck: { Test: ['NONE'] } } } }));
    expect(disabled.map((f) => f.message)).toEqual(['the image disables the health check (HEALTHCHECK NONE)']);
  });
});

describe('SS-IMG-010 port 22 exposed', () => {
  it('passes other ports and reports 22', async () => {
    expect(run(exposedSshPort, await readSpec({ layers, config: { config: { ...goodConfig, ExposedPorts: { '8080/tcp': {}, '2222/tcp': {} } } } }))).toEqual(
      [],
    );
    const bad = run(exposedSshPort, await readSpec({ layers, config: { config: { ...goodConfig, ExposedPorts: { '22/tcp': {}, '80/tcp': {} } } } }));
    expect(bad).toEqual([expect.objectContaining({ ruleId: 'SS-IMG-010', message: 'the image exposes port 22/tcp' })]);
  });
});
