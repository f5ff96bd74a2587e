import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { postgresMissing, startPostgres } from '../test-support/postgres.js';
import { skipWhen } from '../test-support/skip.js';
import { openStore } from './open.js';
import { newRunId } from './runs.js';
import { at, describeBackends } from './test-backends.js';

describe('openStore', () => {
  it('refuses an empty location, and a file it cannot create', async () => {
    await expect(openStore(' ')).rejects.toBeInstanceOf(UsageError);
    const dir = await mkdtemp(path.join(tmpdir(), 'shipshape-store-'));
    try {
      // the location is a directory: not a database file
      await expect(openStore(dir)).rejects.toMatchObject({ code: 'E_STORE' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a pool size out of bounds before connecting', async () => {
    await expect(openStore('postgres://postgres@127.0.0.1:1/none', { poolSize: 0 })).rejects.toBeInstanceOf(UsageError);
    await expect(openStore('postgresql://postgres@127.0.0.1:1/none', { poolSize: 1000 })).rejects.toBeInstanceOf(UsageError);
  });

  it('makes run ids that sort by creation time', () => {
    const ids = [newRunId(Date.UTC(2026, 0, 1)), newRunId(Date.UTC(2026, 0, 1, 0, 0, 1)), newRunId(Date.UTC(2099, 0, 1))];
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^r[0-9a-z]{9}[0-9a-f]{12}$/);
    expect(newRunId(0)).not.toBe(newRunId(0));
  });
});

describe('openStore on PostgreSQL', skipWhen(postgresMissing()), () => {
  it('carries on after the server restarts, and says when it is gone', async () => {
    const server = await startPostgres();
    const errors: Error[] = [];
    const store = await openStore(server.url, { onBackgroundError: (error) => errors.push(error) });
    try {
      await store.migrate();
      const run = await store.createRun({ trigger: 'start', queuedAt: '2026-01-01T00:00:00Z' });
      await server.restart();
      await store.ping();
      expect(await store.getRun(run.id)).toEqual(run);
      // the pool's idle connection was ended by the restart: reported, not thrown
      expect(errors.length).toBeGreaterThan(0);
      await server.stop();
      await expect(store.ping()).rejects.toMatchObject({ code: 'E_STORE', message: expect.stringMatching(/does not answer/) });
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

describeBackends((backend) => {
  describe('migrations', () => {
    it('migrate() again is a no-op that keeps the data', async () => {
      const run = await backend.store.createRun({ trigger: 'manual', queuedAt: at(0) });
      await backend.store.migrate();
      await backend.store.migrate();
      expect(await backend.store.getRun(run.id)).toEqual(run);
      expect((await backend.query('select name from kysely_migration')).map((row) => row.name)).toEqual([
        '0001_initial',
        '0002_run_reads',
        '0003_host_reports',
      ]);
    });

    it('two servers migrating a new database at once both succeed and leave one schema', async () => {
      const location = await backend.newLocation();
      const servers = await Promise.all([backend.open(location), backend.open(location), backend.open(location)]);
      await Promise.all(servers.map((store) => store.migrate()));
      expect((await backend.query('select name from kysely_migration', location)).map((row) => row.name)).toEqual([
        '0001_initial',
        '0002_run_reads',
        '0003_host_reports',
      ]);
      const run = await servers[0]!.createRun({ trigger: 'start', queuedAt: at(1) });
      expect(await servers[2]!.getRun(run.id)).toEqual(run);
    });

    it('answers ping() and closes twice without harm', async () => {
      await backend.store.ping();
      const other = await backend.open();
      await other.ping();
      await other.close();
      await other.close();
      expect(backend.store.dialect).toBe(backend.name);
    });
  });

  describe('runs', () => {
    it('creates queued runs with new ids, empty parts and stats', async () => {
      const run = await backend.store.createRun({ trigger: 'push', subject: 'registry.example/app:1', queuedAt: '2026-01-01T10:00:00+02:00' });
      expect(run).toEqual({
        id: expect.stringMatching(/^r[0-9a-z]{21}$/),
        status: 'queued',
        trigger: 'push',
        subject: 'registry.example/app:1',
        queuedAt: '2026-01-01T08:00:00.000Z',
        startedAt: undefined,
        finishedAt: undefined,
        error: undefined,
        parts: [],
        stats: {},
      });
      expect(await backend.store.getRun(run.id)).toEqual(run);
      expect(await backend.store.getRun('r-unknown')).toBeUndefined();
      await expect(backend.store.createRun({ trigger: 'manual', queuedAt: 'yesterday' })).rejects.toBeInstanceOf(UsageError);
    });

    it('claims the oldest queued run, then the next, then none', async () => {
      const later = await backend.store.createRun({ trigger: 'manual', queuedAt: at(5) });
      const older = await backend.store.createRun({ trigger: 'schedule', queuedAt: at(1) });
      const first = await backend.store.claimRun(at(6));
      expect(first).toMatchObject({ id: older.id, status: 'running', startedAt: at(6) });
      expect(await backend.store.getRun(older.id)).toEqual(first);
      expect((await backend.store.claimRun(at(7)))?.id).toBe(later.id);
      expect(await backend.store.claimRun(at(8))).toBeUndefined();
    });

    it('never gives one run to two concurrent claimers (several servers)', async () => {
      const created = [];
      for (let i = 0; i < 12; i++) created.push(await backend.store.createRun({ trigger: 'manual', queuedAt: at(i) }));
      const servers = [backend.store, ...(await Promise.all([backend.open(), backend.open(), backend.open()]))];
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => servers[i % servers.length]!.claimRun(at(30))));
      const claimed = claims.flatMap((run) => (run === undefined ? [] : [run.id]));
      expect(claimed).toHaveLength(12);
      expect(new Set(claimed).size).toBe(12);
      expect([...claimed].sort()).toEqual(created.map((run) => run.id).sort());
      const page = await backend.store.listRuns({ limit: 50 });
      expect(page.items.every((run) => run.status === 'running')).toBe(true);
    });

    it('puts runs left running back in the queue', async () => {
      const a = await backend.store.createRun({ trigger: 'manual', queuedAt: at(1) });
      const b = await backend.store.createRun({ trigger: 'manual', queuedAt: at(2) });
      const c = await backend.store.createRun({ trigger: 'manual', queuedAt: at(3) });
      await backend.store.claimRun(at(4));
      await backend.store.claimRun(at(4));
      await backend.store.finishRun(b.id, { status: 'failed', finishedAt: at(5), error: 'boom', parts: [], stats: {} });
      expect(await backend.store.requeueInterrupted()).toEqual([a.id]);
      expect(await backend.store.getRun(a.id)).toMatchObject({ status: 'queued', startedAt: undefined });
      expect(await backend.store.getRun(b.id)).toMatchObject({ status: 'failed', error: 'boom' });
      expect((await backend.store.getRun(c.id))?.status).toBe('queued');
      expect(await backend.store.requeueInterrupted()).toEqual([]);
    });

    it('starts a run by id for its job holder, again after a holder died, never once finished', async () => {
      const run = await backend.store.createRun({ trigger: 'manual', queuedAt: at(1) });
      expect(await backend.store.startRun(run.id, at(2))).toMatchObject({ id: run.id, status: 'running', startedAt: at(2) });
      // a worker took it and died: the job's next holder starts it again
      expect(await backend.store.startRun(run.id, at(3))).toMatchObject({ status: 'running', startedAt: at(3) });
      await backend.store.finishRun(run.id, { status: 'done', finishedAt: at(4), parts: [], stats: {} });
      expect(await backend.store.startRun(run.id, at(5))).toBeUndefined();
      expect(await backend.store.startRun('r-unknown', at(5))).toBeUndefined();
    });

    it('lists runs newest first, a page at a time, with a total', async () => {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await backend.store.createRun({ trigger: 'schedule', queuedAt: at(i) })).id);
      const first = await backend.store.listRuns({ limit: 2 });
      expect(first.items.map((run) => run.id)).toEqual([ids[4], ids[3]]);
      expect(first.total).toBe(5);
      // a run queued meanwhile does not shift the next pages
      await backend.store.createRun({ trigger: 'manual', queuedAt: at(9) });
      const second = await backend.store.listRuns({ limit: 2, cursor: first.next });
      expect(second.items.map((run) => run.id)).toEqual([ids[2], ids[1]]);
      const third = await backend.store.listRuns({ limit: 2, cursor: second.next });
      expect(third.items.map((run) => run.id)).toEqual([ids[0]]);
      expect(third.next).toBeUndefined();
      expect((await backend.store.listRuns({ limit: 0 })).items).toHaveLength(1);
      await expect(backend.store.listRuns({ limit: 2, cursor: 'not a cursor!' })).rejects.toBeInstanceOf(UsageError);
      await expect(backend.store.listRuns({ limit: 2, cursor: Buffer.from('{"o":1}').toString('base64url') })).rejects.toBeInstanceOf(UsageError);
    });
  });

  describe('tokens and settings', () => {
    it('finds a token by hash until it is revoked, recording its use', async () => {
      const { store } = backend;
      await store.createToken({ id: 't1', hash: 'h1', scope: 'write', label: 'ci', createdAt: at(0) });
      await store.createToken({ id: 't2', hash: 'h2', scope: 'read', createdAt: at(1) });
      expect(await store.findToken('h1', at(2))).toEqual({ id: 't1', scope: 'write', label: 'ci', createdAt: at(0), revokedAt: undefined, lastUsedAt: at(2) });
      expect(await store.findToken('nope', at(2))).toBeUndefined();
      expect(await store.revokeToken('t1', at(3))).toBe(true);
      expect(await store.revokeToken('t1', at(4))).toBe(true);
      expect(await store.revokeToken('unknown', at(3))).toBe(false);
      expect(await store.findToken('h1', at(5))).toBeUndefined();
      expect(await store.listTokens()).toEqual([
        { id: 't1', scope: 'write', label: 'ci', createdAt: at(0), revokedAt: at(3), lastUsedAt: at(2) },
        { id: 't2', scope: 'read', label: undefined, createdAt: at(1), revokedAt: undefined, lastUsedAt: undefined },
      ]);
      await expect(store.createToken({ id: 't3', hash: 'h2', scope: 'read', createdAt: at(1) })).rejects.toThrow();
    });

    it('sets a setting only when it still holds the expected value', async () => {
      const { store } = backend;
      expect(await store.getSetting('slot')).toBeUndefined();
      expect(await store.casSetting('slot', undefined, 'a')).toBe(true);
      expect(await store.casSetting('slot', undefined, 'b')).toBe(false);
      expect(await store.casSetting('slot', 'x', 'b')).toBe(false);
      expect(await store.getSetting('slot')).toBe('a');
      expect(await store.casSetting('slot', 'a', 'b')).toBe(true);
      expect(await store.getSetting('slot')).toBe('b');
    });

    it('removes a setting only while it holds the expected value', async () => {
      const { store } = backend;
      await store.setSetting('lease', 'mine 10');
      expect(await store.deleteSetting('lease', 'theirs 10')).toBe(false);
      expect(await store.getSetting('lease')).toBe('mine 10');
      expect(await store.deleteSetting('lease', 'mine 10')).toBe(true);
      expect(await store.getSetting('lease')).toBeUndefined();
      expect(await store.deleteSetting('lease', 'mine 10')).toBe(false);
    });

    it('sets a setting whatever it held', async () => {
      const { store } = backend;
      await store.setSetting('kept', 'one');
      await store.setSetting('kept', 'two');
      expect(await store.getSetting('kept')).toBe('two');
    });

    it('lets exactly one of several servers win a compare-and-set', async () => {
      const servers = [backend.store, ...(await Promise.all([backend.open(), backend.open(), backend.open()]))];
      const fromAbsent = await Promise.all(servers.map((store, i) => store.casSetting('next-slot', undefined, `server-${i}`)));
      expect(fromAbsent.filter(Boolean)).toHaveLength(1);
      const holder = await backend.store.getSetting('next-slot');
      const fromValue = await Promise.all(servers.map((store, i) => store.casSetting('next-slot', holder, `again-${i}`)));
      expect(fromValue.filter(Boolean)).toHaveLength(1);
    });
  });
});
