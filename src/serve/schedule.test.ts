import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/open.js';
import type { Store } from '../store/model.js';
import { checkSchedule, schedule } from './schedule.js';

describe('schedules', () => {
  let dir: string;
  let stores: Store[];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-schedule-'));
    // two servers sharing one store
    stores = [await openStore(path.join(dir, 'store.db')), await openStore(path.join(dir, 'store.db'))];
    await stores[0]?.migrate();
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an invalid cron expression at start, with an example', () => {
    expect(() => checkSchedule('every hour', 'server.schedule')).toThrow(/invalid cron expression "every hour"/);
    expect(() => checkSchedule('0 */6 * * *', 'server.schedule')).not.toThrow();
  });

  it('takes each tick once across every server sharing the store', async () => {
    const taken: number[] = [];
    const jobs = stores.map((store) =>
      schedule(
        store,
        'schedule:test',
        '* * * * * *',
        async () => void taken.push(Math.floor(Date.now() / 1000)),
        () => undefined,
      ),
    );
    try {
      // every second both servers' crons fire; wait for a few ticks (polled, bounded)
      for (let attempt = 0; attempt < 100 && taken.length < 3; attempt++) await sleep(100);
    } finally {
      for (const job of jobs) job.stop();
    }
    const slots = await stores[0]?.getSetting('schedule:test');
    expect(slots).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(taken.length).toBeGreaterThanOrEqual(3);
    // both servers fire every second; each second's tick was taken by one of them only
    expect(new Set(taken).size).toBe(taken.length);
  });
});
