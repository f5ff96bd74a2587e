import { describe, expect, it } from 'vitest';
import { LimitExceededError, NotFoundError, UsageError } from '../core/errors.js';
import type { ObservedItem, Store } from './model.js';
import { at, describeBackends, observedItem } from './test-backends.js';

const item = observedItem;

/** A run created, claimed and finished done at `minute` with what it observed; its id. */
async function doneRun(
  store: Store,
  minute: number,
  observed: ObservedItem[] | undefined,
  extra: { stalePhases?: string[]; document?: unknown } = {},
): Promise<string> {
  const run = await store.createRun({ trigger: 'schedule', queuedAt: at(minute) });
  await store.claimRun(at(minute));
  await store.finishRun(run.id, {
    status: 'done',
    finishedAt: at(minute),
    parts: [{ name: 'registry:main', status: 'ok', durationMs: 5 }],
    stats: { images: 3 },
    document: extra.document ?? { schema: 'posture', minute },
    scores: [
      { phase: 'distribute', score: 50 + minute },
      { phase: 'run', score: null },
    ],
    ...(observed === undefined ? {} : { observed }),
    ...(extra.stalePhases === undefined ? {} : { stalePhases: extra.stalePhases }),
  });
  return run.id;
}

describeBackends((backend) => {
  const items = async (state: 'open' | 'resolved' | 'all' = 'all') => (await backend.store.listItems({ state }, { limit: 500 })).items;

  describe('finishRun', () => {
    it('opens new items, refreshes seen ones, resolves gone ones and reopens those that come back', async () => {
      const { store } = backend;
      const r1 = await doneRun(store, 1, [item('a'), item('b'), item('c', { kind: 'gap', detail: 'why' })]);
      expect(await items()).toHaveLength(3);
      expect((await items()).find((i) => i.fingerprint === 'c')).toEqual({
        ...item('c', { kind: 'gap', detail: 'why' }),
        firstSeenRun: r1,
        firstSeenAt: at(1),
        lastSeenRun: r1,
        lastSeenAt: at(1),
        resolvedRun: undefined,
        resolvedAt: undefined,
      });

      const r2 = await doneRun(store, 2, [item('a', { title: 'renamed' }), item('d')]);
      const after2 = new Map((await items()).map((i) => [i.fingerprint, i]));
      expect(after2.get('a')).toMatchObject({ title: 'renamed', firstSeenRun: r1, lastSeenRun: r2, lastSeenAt: at(2), resolvedRun: undefined });
      expect(after2.get('b')).toMatchObject({ lastSeenRun: r1, resolvedRun: r2, resolvedAt: at(2) });
      expect(after2.get('d')).toMatchObject({ firstSeenRun: r2, resolvedRun: undefined });
      expect((await items('open')).map((i) => i.fingerprint).sort()).toEqual(['a', 'd']);
      expect((await items('resolved')).map((i) => i.fingerprint).sort()).toEqual(['b', 'c']);

      const r3 = await doneRun(store, 3, [item('a'), item('b'), item('d')]);
      const after3 = new Map((await items()).map((i) => [i.fingerprint, i]));
      expect(after3.get('b')).toMatchObject({ firstSeenRun: r1, lastSeenRun: r3, resolvedRun: undefined, resolvedAt: undefined });
      expect(await store.getRun(r3)).toMatchObject({
        status: 'done',
        finishedAt: at(3),
        parts: [{ name: 'registry:main', status: 'ok', durationMs: 5 }],
        stats: { images: 3 },
      });
    });

    it('neither resolves nor refreshes the items of a stale phase', async () => {
      const { store } = backend;
      const r1 = await doneRun(store, 1, [item('a'), item('b'), item('k', { phase: 'run' })]);
      // the registry part was not read: only the cluster's facts were observed
      const r2 = await doneRun(store, 2, [item('b', { title: 'seen through stale facts' }), item('n', { phase: 'distribute' })], {
        stalePhases: ['distribute'],
      });
      const now = new Map((await items()).map((i) => [i.fingerprint, i]));
      expect(now.get('a')).toMatchObject({ lastSeenRun: r1, resolvedRun: undefined });
      expect(now.get('b')).toMatchObject({ title: 'finding b', lastSeenRun: r1, resolvedRun: undefined });
      expect(now.get('n')).toMatchObject({ firstSeenRun: r2, resolvedRun: undefined });
      expect(now.get('k')).toMatchObject({ resolvedRun: r2 });
      const diff = await store.diffRuns(r1, r2);
      expect(diff?.resolved.map((i) => i.fingerprint)).toEqual(['k']);
      expect(diff?.opened.map((i) => i.fingerprint)).toEqual(['n']);
    });

    it('lets two servers finish runs at once, one after the other', async () => {
      const other = await backend.open();
      const runs = [
        await backend.store.createRun({ trigger: 'manual', queuedAt: at(1) }),
        await backend.store.createRun({ trigger: 'manual', queuedAt: at(2) }),
      ];
      await backend.store.claimRun(at(3));
      await other.claimRun(at(3));
      const finish = (server: Store, id: string, minute: number, observed: ObservedItem[]) =>
        server.finishRun(id, { status: 'done', finishedAt: at(minute), parts: [], stats: {}, observed });
      await Promise.all([finish(backend.store, runs[0]!.id, 4, [item('a'), item('both')]), finish(other, runs[1]!.id, 5, [item('b'), item('both')])]);
      const now = new Map((await items()).map((i) => [i.fingerprint, i]));
      expect(now.get('both')).toMatchObject({ resolvedRun: undefined });
      // whichever finished last resolved what only the other saw
      expect([now.get('a')?.resolvedRun, now.get('b')?.resolvedRun].filter((r) => r !== undefined)).toHaveLength(1);
    });

    it('changes no item for a run that did not look (observed undefined)', async () => {
      const { store } = backend;
      await doneRun(store, 1, [item('a')]);
      const before = await items();
      const run = await store.createRun({ trigger: 'manual', queuedAt: at(2) });
      await store.claimRun(at(2));
      await store.finishRun(run.id, { status: 'failed', finishedAt: at(3), error: 'registry unreachable', parts: [], stats: {} });
      expect(await items()).toEqual(before);
      expect(await store.getRun(run.id)).toMatchObject({ status: 'failed', error: 'registry unreachable' });
    });

    it('is all or nothing: a failure midway leaves the run running and every item as it was', async () => {
      const { store } = backend;
      await doneRun(store, 1, [item('a'), item('b')]);
      const before = await items();
      const run = await store.createRun({ trigger: 'manual', queuedAt: at(2) });
      await store.claimRun(at(2));
      const broken = { ...item('z'), title: null } as unknown as ObservedItem;
      const finishing = store.finishRun(run.id, {
        status: 'done',
        finishedAt: at(3),
        parts: [],
        stats: {},
        document: { kept: false },
        scores: [{ phase: 'distribute', score: 1 }],
        observed: [item('a', { title: 'changed' }), item('new'), broken],
      });
      await expect(finishing).rejects.toThrow();
      expect(await store.getRun(run.id)).toMatchObject({ status: 'running', finishedAt: undefined });
      expect(await items()).toEqual(before);
      expect(await store.getDocument(run.id)).toBeUndefined();
      expect((await store.phaseScores(10)).some((s) => s.runId === run.id)).toBe(false);
    });

    it('keeps text with NUL characters (PostgreSQL refuses them) as U+FFFD on both backends', async () => {
      await doneRun(backend.store, 1, [item('nul\u0000fp', { title: 'a\u0000b', where: 'image\u0000', detail: '\u0000' })], { stalePhases: ['x\u0000'] });
      expect(await items()).toEqual([
        expect.objectContaining({ fingerprint: 'nul\uFFFDfp', title: 'a\uFFFDb', where: 'image\uFFFD', detail: '\uFFFD', resolvedRun: undefined }),
      ]);
    });

    it('finishes a run once, and refuses an unknown run and a document over the bound', async () => {
      const { store } = backend;
      const id = await doneRun(store, 1, []);
      await expect(store.finishRun(id, { status: 'done', finishedAt: at(2), parts: [], stats: {} })).rejects.toBeInstanceOf(UsageError);
      await expect(
        store.finishRun('r-unknown', { status: 'done', finishedAt: at(2), parts: [], stats: {}, observed: [item('k', { kind: 'other' as 'gap' })] }),
      ).rejects.toThrow(/not finding or gap/);
      await expect(store.finishRun('r-unknown', { status: 'done', finishedAt: at(2), parts: [], stats: {} })).rejects.toBeInstanceOf(NotFoundError);
      const small = await backend.open(backend.location, { maxDocumentBytes: 100 });
      const run = await small.createRun({ trigger: 'manual', queuedAt: at(3) });
      await expect(
        small.finishRun(run.id, { status: 'done', finishedAt: at(3), parts: [], stats: {}, document: { text: 'x'.repeat(200) } }),
      ).rejects.toBeInstanceOf(LimitExceededError);
      expect((await small.getRun(run.id))?.status).toBe('queued');
    });
  });

  describe('results of finished runs', () => {
    it('gives a run’s document, or the latest done run’s', async () => {
      const { store } = backend;
      expect(await store.getDocument()).toBeUndefined();
      const early = await doneRun(store, 5, [], { document: { n: 'early' } });
      const late = await doneRun(store, 9, [], { document: { n: 'late' } });
      // queued before both, finished after both, but failed: not the latest posture
      const failed = await store.createRun({ trigger: 'manual', queuedAt: at(0) });
      await store.finishRun(failed.id, { status: 'failed', finishedAt: at(20), parts: [], stats: {}, document: { n: 'failed' } });
      expect(await store.getDocument()).toEqual({ run: expect.objectContaining({ id: late, status: 'done' }), document: { n: 'late' } });
      expect((await store.getDocument(early))?.document).toEqual({ n: 'early' });
      expect((await store.getDocument(failed.id))?.document).toEqual({ n: 'failed' });
      expect(await store.getDocument('r-unknown')).toBeUndefined();
    });

    it('gives the phase scores of the last done runs, oldest first', async () => {
      const { store } = backend;
      const ids = [await doneRun(store, 1, []), await doneRun(store, 2, []), await doneRun(store, 3, [])];
      expect(await store.phaseScores(2)).toEqual([
        { runId: ids[1], finishedAt: at(2), phase: 'distribute', score: 52 },
        { runId: ids[1], finishedAt: at(2), phase: 'run', score: null },
        { runId: ids[2], finishedAt: at(3), phase: 'distribute', score: 53 },
        { runId: ids[2], finishedAt: at(3), phase: 'run', score: null },
      ]);
      expect(await store.phaseScores(100)).toHaveLength(6);
    });

    it('diffs two runs: opened and resolved items with their fields, scores before and after', async () => {
      const { store } = backend;
      const r1 = await doneRun(store, 1, [item('a'), item('b', { severity: 'LOW' })]);
      const r2 = await doneRun(store, 2, [item('a'), item('c', { detail: 'more' })]);
      expect(await store.diffRuns(r1, r2)).toEqual({
        from: r1,
        to: r2,
        opened: [item('c', { detail: 'more' })],
        resolved: [item('b', { severity: 'LOW' })],
        scores: [
          { phase: 'distribute', from: 51, to: 52 },
          { phase: 'run', from: null, to: null },
        ],
      });
      expect((await store.diffRuns(r2, r1))?.opened.map((i) => i.fingerprint)).toEqual(['b']);
      expect(await store.diffRuns(r1, 'r-unknown')).toBeUndefined();
    });
  });
});
