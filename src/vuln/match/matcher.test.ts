import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory, Package } from '../../inventory/inventory.js';
import { importOsv } from '../advisories/import.js';
import type { OsvRecord } from '../advisories/osv.js';
import { AdvisoryStore } from '../advisories/store.js';
import { matchInventory } from './matcher.js';

const pkg = (name: string, version: string, type: Package['type'] = 'npm'): Package =>
  ({
    type,
    name,
    version,
    purl: `pkg:${type}/${name}@${version}`,
    analyzer: type,
    path: `/app/node_modules/${name}/package.json`,
    layer: { index: 1, digest: 'sha256:l', diffId: 'sha256:d', createdBy: 'COPY . .' },
  }) as Package;
const inventory = (...packages: Package[]): Inventory => ({ os: undefined, packages, suppressed: [], diagnostics: [] });
const record = (id: string, aliases: string[], name: string, events: object[], extra: Partial<OsvRecord> = {}): OsvRecord =>
  ({
    id,
    modified: '2024-01-01T00:00:00Z',
    aliases,
    summary: `${id} summary`,
    affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events }] }],
    ...extra,
  }) as OsvRecord;

let dir: string;
let store: AdvisoryStore;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-match-'));
  const records = [
    record('GHSA-aaaa', ['CVE-2024-1'], 'left-pad', [{ introduced: '0' }, { fixed: '1.3.0' }], {
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    }),
    record('x_NSWG-1', ['CVE-2024-1'], 'left-pad', [{ introduced: '0' }, { fixed: '1.4.0' }]),
    record('GHSA-bbbb', [], 'left-pad', [{ introduced: '0' }, { fixed: '1.2.0' }]),
    record('GHSA-cccc', [], 'left-pad', [{ introduced: '0' }], { withdrawn: '2024-02-01T00:00:00Z' }),
    record('GHSA-dddd', [], 'left-pad', [{ introduced: '0' }, { fixed: 'not-a-version' }]),
  ];
  const files = await Promise.all(
    records.map(async (r, i) => {
      const file = path.join(dir, `${i}.json`);
      await writeFile(file, JSON.stringify(r));
      return file;
    }),
  );
  store = AdvisoryStore.open(path.join(dir, 'db.sqlite'), { create: true });
  await importOsv(store, files, { now: new Date() });
});
afterAll(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('matchInventory', () => {
  it('groups advisories that name each other into one finding shown by its CVE, fixed at the highest fix the group needs', () => {
    const { findings } = matchInventory(inventory(pkg('left-pad', '1.2.5')), store);
    expect(findings.map((f) => [f.id, f.aliases, f.fixedVersion])).toEqual([['CVE-2024-1', ['GHSA-aaaa', 'x_NSWG-1'], '1.4.0']]);
    expect(findings[0]?.severity).toMatchObject({ level: 'CRITICAL', score: 9.8, source: 'CVSS_V3 vector' });
  });

  it('never matches withdrawn records, and a fixed version never matches', () => {
    const { findings } = matchInventory(inventory(pkg('left-pad', '1.4.0')), store);
    expect(findings.map((f) => f.id)).toEqual([]);
  });

  it('reports an unparseable event version as a diagnostic, not a finding and not a pass', () => {
    const { diagnostics } = matchInventory(inventory(pkg('left-pad', '1.0.0')), store);
    expect(diagnostics.items).toEqual([expect.objectContaining({ code: 'match.indeterminate', message: expect.stringContaining('GHSA-dddd') })]);
  });

  it('gives each finding the layer, path and a stable fingerprint', () => {
    const [a] = matchInventory(inventory(pkg('left-pad', '1.0.0')), store).findings;
    const [b] = matchInventory(inventory(pkg('left-pad', '1.0.0')), store).findings;
    expect(a?.package.layer.createdBy).toBe('COPY . .');
    expect(a?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(a?.fingerprint).toBe(b?.fingerprint);
  });
});
