import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../core/limits.js';
import { readImage } from '../image/read-image.js';
import { directoryFiles } from '../image/sources/archive-files.js';
import { OciLayoutSource } from '../image/sources/oci-layout.js';
import { analyzers } from '../inventory/analyzers/registry.js';
import { buildImage, ociLayoutFiles, writeDirectory } from '../test-support/image-builder.js';
import { readOciArchive } from '../test-support/images.js';
import { hasShared, sharedAbsent, sharedPath } from '../test-support/shared.js';
import { skipWhen } from '../test-support/skip.js';
import { importOsv } from './advisories/import.js';
import { AdvisoryStore } from './advisories/store.js';
import { scanImage } from './scan.js';

let dir: string;
let store: AdvisoryStore;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-vuln-'));
  store = AdvisoryStore.open(path.join(dir, 'osv.sqlite'), { create: true });
  if (hasShared) await importOsv(store, [sharedPath('advisories')], { now: new Date('2026-11-29T00:00:00Z') });
}, 120_000);
afterAll(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('vulnerabilities from the shared advisories', skipWhen(sharedAbsent), () => {
  it('imports every record: counts per ecosystem, withdrawn ones kept out of matching', () => {
    const status = store.status();
    expect(status.advisories + status.withdrawn).toBe(6777);
    expect(status.withdrawn).toBe(10);
    const byEcosystem = Object.fromEntries(status.ecosystems.map((e) => [e.ecosystem, e.advisories]));
    // per ecosystem, what can match: PyPI's 2661 records less its 10 withdrawn ones
    expect(byEcosystem).toMatchObject({ 'Debian:10': expect.any(Number), 'Debian:11': expect.any(Number), npm: 463, PyPI: 2651 });
  });

  it('an import that fails half-way leaves the database as it was', async () => {
    const before = store.status();
    const bad = path.join(dir, 'bad');
    await writeFile(bad, 'x');
    await expect(importOsv(store, [sharedPath('advisories', 'npm'), path.join(dir, 'missing')], { now: new Date() })).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    expect(store.status()).toEqual(before);
  });

  it('bullseye-app: lodash 4.17.15 has x_NSWG-ECO-516 (>=4.17.15 <4.17.19), not the older lodash records; curl is past DSA-5365-1', async () => {
    const result = scanImage(await readOciArchive(sharedPath('images', 'bullseye-app.oci.tar'), analyzers), store);
    const ids = (name: string) => result.findings.filter((f) => f.package.name === name).flatMap((f) => [f.id, ...f.aliases]);
    expect(ids('lodash')).toContain('x_NSWG-ECO-516');
    expect(ids('lodash')).not.toContain('x_NSWG-ECO-493');
    expect(ids('lodash')).not.toContain('x_NSWG-ECO-368');
    expect(ids('express')).toEqual([]);
    expect(ids('minimist')).toEqual([]); // no minimist record in the shared data
    expect(ids('curl').filter((id) => id.startsWith('DSA-5365'))).toEqual([]);
    const lodash = result.findings.find((f) => f.package.name === 'lodash');
    expect(lodash).toMatchObject({ fixedVersion: '4.17.19', package: { layer: { index: 2 } }, ecosystem: 'npm' });
    expect(result.baseLayers).toBe(1);
  });

  it('debian-bookworm: Debian 12 has no records in the shared data, so no findings and no diagnostics', async () => {
    const result = scanImage(await readOciArchive(sharedPath('images', 'debian-bookworm.oci.tar'), analyzers), store);
    expect(result.inventory.packages).toHaveLength(88);
    expect(result.ecosystems).toEqual(['Debian:12']);
    expect(result.findings).toEqual([]);
    expect(result.diagnostics).toEqual([]);
  });

  it('matches the real DSA records of old Debian 11 source versions, and never a fixed version', async () => {
    const status = [
      ['libssl1.1', 'openssl', '1.1.1k-1+deb11u1'],
      ['curl', 'curl', '7.74.0-1.3+deb11u7'],
      ['zlib1g', 'zlib', '1:1.2.11.dfsg-2+deb11u1'],
    ]
      .map(([name, source, version]) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nSource: ${source}\nVersion: ${version}\n`)
      .join('\n');
    const layout = await writeDirectory(
      path.join(dir, 'old-debian'),
      ociLayoutFiles([
        {
          image: await buildImage({
            layers: [
              {
                items: [
                  { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="11"\n' },
                  { name: 'etc/debian_version', content: '11.3\n' },
                  { name: 'var/lib/dpkg/status', content: status },
                ],
              },
            ],
          }),
        },
      ]),
    );
    const model = await readImage(new OciLayoutSource('oci-layout', layout, directoryFiles(layout)), {
      selection: {},
      limits: defaultLimits,
      visitors: analyzers,
    });
    const result = scanImage(model, store);
    const idsOf = (name: string) => result.findings.filter((f) => f.package.name === name).flatMap((f) => [f.id, ...f.aliases]);
    // openssl 1.1.1k-1+deb11u1 is the fix of DSA-4963-1, and before the fixes of the later DSAs
    expect(idsOf('libssl1.1')).not.toContain('DSA-4963-1');
    expect(idsOf('libssl1.1')).toEqual(expect.arrayContaining(['DSA-5103-1', 'DSA-5139-1', 'DSA-5169-1', 'DSA-5343-1']));
    // curl 7.74.0-1.3+deb11u7 is exactly the fix of DSA-5365-1 (and after DSA-5197-1, DSA-5330-1)
    expect(idsOf('curl').filter((id) => ['DSA-5365-1', 'DSA-5197-1', 'DSA-5330-1'].includes(id))).toEqual([]);
    // zlib with its epoch: fixed for DSA-5111-1, not yet for DSA-5218-1
    expect(idsOf('zlib1g')).toContain('DSA-5218-1');
    expect(idsOf('zlib1g')).not.toContain('DSA-5111-1');
    const zlib = result.findings.find((f) => f.aliases.includes('DSA-5218-1') || f.id === 'DSA-5218-1');
    expect(zlib).toMatchObject({
      id: 'CVE-2022-37434',
      lookupName: 'zlib',
      installedVersion: '1:1.2.11.dfsg-2+deb11u1',
      fixedVersion: '1:1.2.11.dfsg-2+deb11u2',
      ecosystem: 'Debian:11',
    });
  });
});
