import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Inventory, Package } from '../../inventory/inventory.js';
import { detectOs } from '../../inventory/os.js';
import { bounded, boundedAsync, checkNoMaskedCrash, fuzz, Reach } from '../../test-support/fuzz.js';
import { mutatedJson, mutatedText } from '../../test-support/fuzz-mutate.js';
import { matchInventory } from '../match/matcher.js';
import { severityOf } from '../severity.js';
import { importOsv } from './import.js';
import { AdvisoryStore } from './store.js';

// OSV records: the bundled ones (examples/advisories) and records written from the schema's shape,
// damaged as values and as text, then imported into a real database and matched against packages
// whose versions are damaged too.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bundled = readdirSync(path.join(root, 'examples/advisories'))
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(path.join(root, 'examples/advisories', name), 'utf8')) as unknown);

const ecosystems = [
  'npm',
  'PyPI',
  'Debian:12',
  'Alpine:v3.19',
  'Go',
  'Maven',
  'crates.io',
  'RubyGems',
  'Packagist',
  'NuGet',
  'Red Hat',
  'Hackage',
  'Unknown:1',
] as const;
const version = fc.oneof(
  fc.constantFrom('0', '1.2.3', '1:2.36-9+deb12u4', 'v1.0.0-rc.1', '2.0.0a1.post2.dev3', '1.2.3-r4', '*', '', '1e309', '9'.repeat(400), '1.0.0+build'),
  fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,3}){0,3}([-~+.][a-z0-9]{1,5})?$/),
);
const event = fc.oneof(
  version.map((introduced) => ({ introduced })),
  version.map((fixed) => ({ fixed })),
  version.map((last_affected) => ({ last_affected })),
  version.map((limit) => ({ limit })),
);
const severity = fc.record({
  type: fc.constantFrom('CVSS_V3', 'CVSS_V2', 'CVSS_V4', 'Ubuntu'),
  score: fc.constantFrom(
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'AV:N/AC:L/Au:N/C:P/I:P/A:P',
    'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    'CVSS:3.1/AV:X',
    'high',
    '9.8',
    '',
  ),
});
const record = fc.record({
  id: fc.constantFrom('GHSA-aaaa-bbbb-cccc', 'CVE-2024-1', 'DSA-5000-1', '__proto__'),
  modified: fc.constant('2024-01-01T00:00:00Z'),
  aliases: fc.array(fc.constantFrom('CVE-2024-1', 'GHSA-aaaa-bbbb-cccc', 'constructor'), { maxLength: 2 }),
  summary: fc.string({ maxLength: 30 }),
  severity: fc.array(severity, { maxLength: 2 }),
  affected: fc.array(
    fc.record({
      package: fc.record({ ecosystem: fc.constantFrom(...ecosystems), name: fc.constantFrom('left-pad', 'requests', 'libc6', 'musl', '__proto__') }),
      ranges: fc.array(fc.record({ type: fc.constantFrom('SEMVER', 'ECOSYSTEM', 'GIT'), events: fc.array(event, { maxLength: 4 }) }), { maxLength: 2 }),
      versions: fc.array(version, { maxLength: 3 }),
      database_specific: fc.record({ severity: fc.constantFrom('HIGH', 'moderate', 7, null) }),
    }),
    { maxLength: 3 },
  ),
});

/** Record text: bundled or generated, damaged as JSON values (most often) or as text. */
const records = fc.oneof(
  { weight: 3, arbitrary: mutatedJson(fc.oneof(record, fc.constantFrom(...bundled))).map((value) => JSON.stringify(value) ?? 'null') },
  {
    weight: 1,
    arbitrary: mutatedText(
      fc.oneof(record, fc.constantFrom(...bundled)).map((value) => JSON.stringify(value, null, 1)),
      { tokens: ['"introduced":', '"fixed":', '"events":[', '"ecosystem":"npm"', '{', '}', '[', ']', ','] },
    ),
  },
);

const packageTypes: Record<string, Package['type']> = {
  npm: 'npm',
  PyPI: 'pypi',
  Debian: 'deb',
  Alpine: 'apk',
  Go: 'golang',
  Maven: 'maven',
  'crates.io': 'cargo',
  RubyGems: 'gem',
  Packagist: 'composer',
  NuGet: 'nuget',
};

const debian = detectOs(new Map([['/etc/os-release', { ID: 'debian', VERSION_ID: '12' }]]), false);

function inventoryOf(versions: string[]): Inventory {
  const packages = Object.values(packageTypes).flatMap((type) =>
    ['left-pad', 'requests', 'libc6', 'musl', '__proto__'].flatMap((name) =>
      versions.map(
        (v) =>
          ({
            type,
            name,
            version: v,
            purl: `pkg:${type}/${name}@${v}`,
            analyzer: type,
            path: '/x',
            layer: { index: 0, digest: 'sha256:l', diffId: 'sha256:d', createdBy: undefined },
          }) as Package,
      ),
    ),
  );
  return { os: debian, packages, suppressed: [], diagnostics: [] };
}

let dir: string;
let store: AdvisoryStore;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'shipshape-osv-fuzz-'));
  store = AdvisoryStore.open(path.join(dir, 'osv.sqlite'), { create: true });
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fuzz: OSV records', () => {
  it('a damaged record is imported or skipped with a typed error; matching and severity never throw', async () => {
    const reach = new Reach();
    let n = 0;
    await fuzz(
      'osv records',
      fc.tuple(records, fc.array(version, { minLength: 1, maxLength: 3 })),
      async ([text, versions]) => {
        const file = path.join(dir, `record-${n++}.json`);
        await writeFile(file, text);
        const imported = await boundedAsync('typed-errors', () => importOsv(store, [file], { now: new Date(0) }));
        rmSync(file, { force: true });
        const result = bounded('never-throws', () => matchInventory(inventoryOf(versions), store));
        reach.input(imported !== undefined && 'imported', (result?.findings.length ?? 0) > 0 && 'matched');
        checkNoMaskedCrash((result?.diagnostics.items ?? []).map((d) => d.message));
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return;
        }
        const severities = typeof parsed === 'object' && parsed !== null ? (parsed as { severity?: unknown }).severity : undefined;
        if (
          Array.isArray(severities) &&
          severities.every((s) => typeof s === 'object' && s !== null && typeof s.type === 'string' && typeof s.score === 'string')
        ) {
          bounded('never-throws', () => severityOf(severities as { type: string; score: string }[], ['HIGH', 7, null, {}]));
        }
      },
      { describe: ([text, versions]) => `${text.slice(0, 3000)} matched against ${versions.join(', ')}` },
    );
    reach.expect('imported', 0.3);
    reach.expect('matched', 0.05);
  });
});
