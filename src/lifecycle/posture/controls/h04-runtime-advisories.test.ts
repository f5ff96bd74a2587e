import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasShared, sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { importOsv } from '../../../vuln/advisories/import.js';
import { AdvisoryStore } from '../../../vuln/advisories/store.js';
import { context, estate, mapOf, node, run } from '../test-evidence.js';
import { runtimeAdvisories } from './h04-runtime-advisories.js';

/**
 * Two containerd advisories as GitHub's advisory database publishes them in OSV (Go ecosystem):
 * ids, aliases, summaries, packages and fixed versions transcribed; the CVSS vectors let the
 * severity be computed here as the matcher does.
 */
const records = [
  {
    id: 'GHSA-crp2-qrr5-8pq7',
    modified: '2023-08-08T00:00:00Z',
    aliases: ['CVE-2022-23648'],
    summary: 'containerd CRI plugin: Insecure handling of image volumes',
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
    affected: [
      {
        package: { ecosystem: 'Go', name: 'github.com/containerd/containerd' },
        ranges: [
          {
            type: 'SEMVER',
            events: [{ introduced: '0' }, { fixed: '1.4.13' }, { introduced: '1.5.0' }, { fixed: '1.5.10' }, { introduced: '1.6.0' }, { fixed: '1.6.1' }],
          },
        ],
      },
    ],
  },
  {
    id: 'GHSA-265r-hfxg-fhmg',
    modified: '2025-03-17T00:00:00Z',
    aliases: ['CVE-2024-40635'],
    summary: 'containerd has an integer overflow in User ID handling',
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:L' }],
    affected: [
      {
        package: { ecosystem: 'Go', name: 'github.com/containerd/containerd' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.6.38' }, { introduced: '1.7.0-beta.0' }, { fixed: '1.7.27' }] }],
      },
      {
        package: { ecosystem: 'Go', name: 'github.com/containerd/containerd/v2' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '2.0.0-beta.0' }, { fixed: '2.0.4' }] }],
      },
    ],
  },
];

const runtimeModules = new Set([
  'github.com/containerd/containerd',
  'github.com/containerd/containerd/v2',
  'github.com/cri-o/cri-o',
  'github.com/docker/docker',
  'github.com/moby/moby',
]);

/** Shared OSV files whose affected packages are Go modules of runtimes a node reports (runc never is) (none in today's shared data: Debian, Alpine, PyPI, npm). */
function sharedRuntimeAdvisories(): string[] {
  if (!hasShared) return [];
  const found: string[] = [];
  // reads only the few files that mention the Go ecosystem
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.endsWith('.json') && name !== 'osv-schema.json') {
        const text = readFileSync(file, 'utf8');
        if (!text.includes('"Go"')) continue;
        const record = JSON.parse(text) as { affected?: { package?: { ecosystem?: string; name?: string } }[] };
        if (record.affected?.some((a) => a.package?.ecosystem === 'Go' && runtimeModules.has(a.package.name ?? ''))) found.push(file);
      }
    }
  };
  walk(sharedPath('advisories'));
  return found;
}

describe('SS-CTL-H04 container runtime advisories', () => {
  let dir: string;
  let store: AdvisoryStore;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'shipshape-h04-'));
    const osv = path.join(dir, 'osv');
    mkdirSync(osv);
    for (const record of records) writeFileSync(path.join(osv, `${record.id}.json`), JSON.stringify(record));
    store = AdvisoryStore.open(path.join(dir, 'osv.sqlite'), { create: true });
    const result = await importOsv(store, [osv], { now: new Date('2026-11-29T00:00:00Z') });
    expect(result.records).toBe(2);
  });

  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is unknown without an advisory database, never met', () => {
    const outcome = runtimeAdvisories.evaluate(context(estate({ run: run('', { nodes: [node('a')] }) })));
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toContain('no advisory database was given');
  });

  it('is unknown for a runtime the database holds nothing about', () => {
    const outcome = runtimeAdvisories.evaluate(
      context(estate({ run: run('', { nodes: [node('c', { containerRuntimeVersion: 'cri-o://1.35.1' })] }) }), { advisories: store }),
    );
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toBe('c: the advisory database holds no Go advisories for github.com/cri-o/cri-o');
  });

  it('matches containerd 1.6.19 against the imported Go advisories', () => {
    const outcome = runtimeAdvisories.evaluate(
      context(estate({ run: run('', { nodes: [node('ip-10-0-1-5', { containerRuntimeVersion: 'containerd://1.6.19' })] }) }), {
        advisories: store,
        map: mapOf(['node:ip-10-0-1-5']),
      }),
    );
    // CVE-2024-40635 (fixed 1.6.38) applies; CVE-2022-23648 was fixed in 1.6.1
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]).toMatchObject({ where: 'node ip-10-0-1-5', nodes: ['node:ip-10-0-1-5'], findings: ['GHSA-265r-hfxg-fhmg'] });
    expect(outcome.evidence[0]?.text).toContain('GHSA-265r-hfxg-fhmg/CVE-2024-40635 (medium, fixed in 1.6.38');
    expect(outcome.changes[0]?.summary).toBe(
      'upgrade containerd on node ip-10-0-1-5 to 1.6.38 or later (through the node image when the runtime comes with it)',
    );
  });

  it('is a gap for a high-severity advisory, and reads containerd 2.x from the /v2 module', () => {
    const nodes = [
      node('old', { containerRuntimeVersion: 'containerd://1.6.0' }),
      node('v2', { containerRuntimeVersion: 'containerd://2.0.2' }),
      node('fixed', { containerRuntimeVersion: 'containerd://1.7.27' }),
    ];
    const outcome = runtimeAdvisories.evaluate(context(estate({ run: run('', { nodes }) }), { advisories: store }));
    expect(outcome.status).toBe('partial');
    const byNode = new Map(outcome.evidence.map((e) => [e.where, e]));
    expect(byNode.get('node old')?.ok).toBe(false);
    expect(byNode.get('node old')?.findings).toEqual(['GHSA-crp2-qrr5-8pq7', 'GHSA-265r-hfxg-fhmg']);
    expect(byNode.get('node v2')?.findings).toEqual(['GHSA-265r-hfxg-fhmg']);
    expect(byNode.get('node fixed')?.ok).toBe(true);
    expect(outcome.changes.find((c) => c.summary.includes('node old'))?.summary).toContain('to 1.6.38 or later');
    const onlyOld = runtimeAdvisories.evaluate(context(estate({ run: run('', { nodes: [nodes[0] as (typeof nodes)[number]] }) }), { advisories: store }));
    expect(onlyOld.status).toBe('gap');
  });

  const shared = sharedRuntimeAdvisories();
  const noSharedRuntimeAdvisories = shared.length === 0 ? 'shared/advisories holds no Go advisories for containerd, runc, CRI-O or Docker' : undefined;
  it('matches a runtime against the shared advisories', skipWhen(sharedAbsent, noSharedRuntimeAdvisories), async () => {
    const sharedStore = AdvisoryStore.open(path.join(dir, 'shared.sqlite'), { create: true });
    try {
      await importOsv(sharedStore, shared, { now: new Date('2026-11-29T00:00:00Z') });
      const text = shared.map((file) => readFileSync(file, 'utf8')).join('\n');
      const runtime = text.includes('github.com/containerd/containerd')
        ? 'containerd://1.0.0'
        : text.includes('github.com/cri-o/cri-o')
          ? 'cri-o://1.0.0'
          : 'docker://1.0.0';
      const outcome = runtimeAdvisories.evaluate(
        context(estate({ run: run('', { nodes: [node('n', { containerRuntimeVersion: runtime })] }) }), { advisories: sharedStore }),
      );
      // the database now holds advisories for the runtime: the node is judged, not left unknown
      expect(outcome.status).not.toBe('unknown');
      expect(outcome.evidence[0]?.where).toBe('node n');
    } finally {
      sharedStore.close();
    }
  });
});
