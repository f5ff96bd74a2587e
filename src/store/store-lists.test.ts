import { describe, expect, it } from 'vitest';
import type { FindingFilter, ObservedItem } from './model.js';
import { at, describeBackends, observedItem } from './test-backends.js';

const item = (fingerprint: string, fields: Partial<ObservedItem> = {}): ObservedItem => observedItem(fingerprint, { severity: 'MEDIUM', ...fields });

describeBackends((backend) => {
  /** Records `observed` through a done run (then resolves nothing else). */
  const observe = async (observed: ObservedItem[], minute = 1): Promise<string> => {
    const run = await backend.store.createRun({ trigger: 'manual', queuedAt: at(minute) });
    await backend.store.claimRun(at(minute));
    await backend.store.finishRun(run.id, { status: 'done', finishedAt: at(minute), parts: [], stats: {}, observed });
    return run.id;
  };
  const fingerprints = async (filter: FindingFilter): Promise<string[]> =>
    (await backend.store.listItems(filter, { limit: 500 })).items.map((i) => i.fingerprint).sort();

  describe('listItems', () => {
    it('filters by kind, severity, phase, category, rule, state, text and image', async () => {
      await observe([
        item('old', { severity: 'LOW' }),
        item('g1', { kind: 'gap', phase: 'build', category: 'ci', ruleId: 'SS-CTL-7', title: 'No Image Scan in CI' }),
        item('c1', { severity: 'CRITICAL', where: 'cluster/default/Deployment/web → registry.example/web@sha256:abc123' }),
        item('h1', { severity: 'HIGH', phase: 'run', category: 'pss' }),
      ]);
      await observe(
        [
          item('g1', { kind: 'gap', phase: 'build', category: 'ci', ruleId: 'SS-CTL-7', title: 'No Image Scan in CI' }),
          item('c1', { severity: 'CRITICAL', where: 'cluster/default/Deployment/web → registry.example/web@sha256:abc123' }),
          item('h1', { severity: 'HIGH', phase: 'run', category: 'pss' }),
        ],
        2,
      );
      expect(await fingerprints({})).toEqual(['c1', 'g1', 'h1']);
      expect(await fingerprints({ state: 'resolved' })).toEqual(['old']);
      expect(await fingerprints({ state: 'all' })).toEqual(['c1', 'g1', 'h1', 'old']);
      expect(await fingerprints({ kind: 'gap' })).toEqual(['g1']);
      expect(await fingerprints({ severity: ['CRITICAL', 'HIGH'] })).toEqual(['c1', 'h1']);
      expect(await fingerprints({ severity: [] })).toEqual(['c1', 'g1', 'h1']);
      expect(await fingerprints({ phase: 'run' })).toEqual(['h1']);
      expect(await fingerprints({ category: 'ci', ruleId: 'SS-CTL-7' })).toEqual(['g1']);
      expect(await fingerprints({ ruleId: 'SS-REG-001', state: 'all' })).toEqual(['c1', 'h1', 'old']);
      expect(await fingerprints({ text: 'image scan' })).toEqual(['g1']);
      expect(await fingerprints({ text: 'DEPLOYMENT/WEB' })).toEqual(['c1']);
      expect(await fingerprints({ image: 'sha256:abc123' })).toEqual(['c1']);
    });

    it('lists the most severe first, a page at a time, with a total', async () => {
      await observe([
        item('m'),
        item('u', { severity: 'UNKNOWN' }),
        item('c', { severity: 'CRITICAL' }),
        item('l', { severity: 'LOW' }),
        item('h', { severity: 'HIGH' }),
      ]);
      const first = await backend.store.listItems({}, { limit: 2 });
      expect(first.items.map((i) => i.fingerprint)).toEqual(['c', 'h']);
      expect(first.total).toBe(5);
      const second = await backend.store.listItems({}, { limit: 2, cursor: first.next });
      const third = await backend.store.listItems({}, { limit: 2, cursor: second.next });
      expect([...second.items, ...third.items].map((i) => i.fingerprint)).toEqual(['m', 'l', 'u']);
      expect(third.next).toBeUndefined();
      expect((await backend.store.listItems({}, { limit: -5 })).items).toHaveLength(1);
      expect((await backend.store.listItems({}, { limit: 1e9 })).items).toHaveLength(5);
    });

    it('takes LIKE wildcards and backslashes in the text literally', async () => {
      await observe([
        item('pct', { title: '100% of images unsigned' }),
        item('num', { title: '100 of images unsigned' }),
        item('und', { title: 'run_as_root' }),
        item('dot', { title: 'runXasXroot' }),
        item('bsl', { title: 'C:\\path' }),
      ]);
      expect(await fingerprints({ text: '%' })).toEqual(['pct']);
      expect(await fingerprints({ text: '100%' })).toEqual(['pct']);
      expect(await fingerprints({ text: 'run_as' })).toEqual(['und']);
      expect(await fingerprints({ text: '_' })).toEqual(['und']);
      expect(await fingerprints({ text: 'c:\\p' })).toEqual(['bsl']);
      expect(await fingerprints({ text: '\\' })).toEqual(['bsl']);
    });

    it('treats SQL in filter values as text', async () => {
      await observe([item('a'), item('b')]);
      expect(await fingerprints({ text: "x' OR '1'='1" })).toEqual([]);
      expect(await fingerprints({ phase: "'; DROP TABLE items; --" })).toEqual([]);
      expect(await fingerprints({ severity: ["HIGH') OR 1=1 --"], kind: "finding' --" as 'finding' })).toEqual([]);
      await expect(
        backend.store.listItems({ category: 'x" OR 1=1' }, { limit: 10, cursor: Buffer.from('{"o":"0 OR 1=1"}').toString('base64url') }),
      ).rejects.toThrow(/cursor/);
      expect(await fingerprints({})).toEqual(['a', 'b']);
    });

    it('counts open items by kind, severity and phase', async () => {
      await observe([item('gone')]);
      await observe([item('a'), item('b'), item('c', { severity: 'HIGH' }), item('g', { kind: 'gap', phase: 'build', severity: 'LOW' })], 2);
      expect(await backend.store.countOpenItems()).toEqual([
        { kind: 'finding', severity: 'HIGH', phase: 'distribute', count: 1 },
        { kind: 'finding', severity: 'MEDIUM', phase: 'distribute', count: 2 },
        { kind: 'gap', severity: 'LOW', phase: 'build', count: 1 },
      ]);
    });
  });

  describe('images', () => {
    const seen = (digest: string, reference: string, minute: number, running = false) => ({
      digest,
      reference,
      platform: 'linux/amd64',
      running,
      seenAt: at(minute),
    });

    it('keeps references unique, newest first, at most 20; running as last given', async () => {
      const { store } = backend;
      await store.upsertImages([seen('sha256:a', 'r/app:1', 1, true), seen('sha256:b', 'r/db:15', 1)]);
      await store.upsertImages([seen('sha256:a', 'r/app:latest', 2), seen('sha256:a', 'r/app:1', 3)]);
      expect(await store.getImage('sha256:a')).toEqual({
        digest: 'sha256:a',
        references: ['r/app:1', 'r/app:latest'],
        platform: 'linux/amd64',
        running: false,
        firstSeenAt: at(1),
        lastSeenAt: at(3),
        vulnerabilities: undefined,
        matchedAt: undefined,
      });
      await store.upsertImages(Array.from({ length: 30 }, (_, i) => seen('sha256:a', `r/app:build-${i}`, 4, true)));
      const image = await store.getImage('sha256:a');
      expect(image?.references).toHaveLength(20);
      expect(image?.references[0]).toBe('r/app:build-29');
      expect(image?.running).toBe(true);
      expect(await store.getImage('sha256:none')).toBeUndefined();
    });

    it('lists images by running and text, newest first, a page at a time', async () => {
      const { store } = backend;
      await store.upsertImages([seen('sha256:a', 'r/app:1', 1, true), seen('sha256:b', 'r/db:15', 2), seen('sha256:c', 'r/web:100%', 3, true)]);
      const all = await store.listImages({}, { limit: 2 });
      expect(all.items.map((i) => i.digest)).toEqual(['sha256:c', 'sha256:b']);
      expect(all.total).toBe(3);
      expect((await store.listImages({}, { limit: 2, cursor: all.next })).items.map((i) => i.digest)).toEqual(['sha256:a']);
      expect((await store.listImages({ running: true }, { limit: 10 })).items.map((i) => i.digest)).toEqual(['sha256:c', 'sha256:a']);
      expect((await store.listImages({ text: 'R/DB' }, { limit: 10 })).items.map((i) => i.digest)).toEqual(['sha256:b']);
      expect((await store.listImages({ text: '%' }, { limit: 10 })).items.map((i) => i.digest)).toEqual(['sha256:c']);
    });

    it('keeps inventories, vulnerability counts and layer results', async () => {
      const { store } = backend;
      await store.upsertImages([seen('sha256:a', 'r/app:1', 1)]);
      await store.putInventory('sha256:a', { packages: [{ name: 'zlib' }] }, 'dpkg@3', at(1));
      await store.putInventory('sha256:b', { packages: [] }, 'dpkg@3', at(1));
      await store.putInventory('sha256:a', { packages: [{ name: 'zlib' }, { name: 'openssl' }] }, 'dpkg@4', at(2));
      expect(await store.getInventory('sha256:a')).toEqual({
        inventory: { packages: [{ name: 'zlib' }, { name: 'openssl' }] },
        analysers: 'dpkg@4',
        readAt: at(2),
      });
      expect(await store.getInventory('sha256:x')).toBeUndefined();
      expect(await store.inventoryDigests()).toEqual(['sha256:a', 'sha256:b']);

      await store.setVulnerabilityCounts('sha256:a', { CRITICAL: 1, HIGH: 4 }, at(3));
      await store.setVulnerabilityCounts('sha256:b', { LOW: 1 }, at(3));
      expect(await store.getImage('sha256:a')).toMatchObject({ vulnerabilities: { CRITICAL: 1, HIGH: 4 }, matchedAt: at(3) });
      expect(await store.getImage('sha256:b')).toBeUndefined();
      await store.upsertImages([seen('sha256:a', 'r/app:2', 4)]);
      expect((await store.getImage('sha256:a'))?.vulnerabilities).toEqual({ CRITICAL: 1, HIGH: 4 });

      expect(await store.getLayerResult('sha256:l1', 'v1')).toBeUndefined();
      await store.putLayerResult('sha256:l1', 'v1', { files: 3 }, at(1));
      await store.putLayerResult('sha256:l1', 'v1', { files: 4 }, at(2));
      await store.putLayerResult('sha256:l1', 'v2', { files: 5 }, at(2));
      expect(await store.getLayerResult('sha256:l1', 'v1')).toEqual({ files: 4 });
      expect(await store.getLayerResult('sha256:l1', 'v2')).toEqual({ files: 5 });
    });

    it("keeps a fleet's reads for a run until they are deleted, a retried read replacing the first", async () => {
      const { store } = backend;
      const run = await store.createRun({ trigger: 'manual', queuedAt: at(0) });
      const other = await store.createRun({ trigger: 'manual', queuedAt: at(0) });
      await store.putRunRead(run.id, 'app@sha256:a', { unread: 'timeout' });
      await store.putRunRead(run.id, 'app@sha256:a', { facts: 1 });
      await store.putRunRead(run.id, 'app@sha256:b', { facts: 2 });
      await store.putRunRead(other.id, 'app@sha256:a', { facts: 3 });
      expect(await store.runReads(run.id)).toEqual(
        new Map<string, unknown>([
          ['app@sha256:a', { facts: 1 }],
          ['app@sha256:b', { facts: 2 }],
        ]),
      );
      await store.deleteRunReads(run.id);
      expect((await store.runReads(run.id)).size).toBe(0);
      expect(await store.runReads(other.id)).toEqual(new Map([['app@sha256:a', { facts: 3 }]]));
    });
  });
});
